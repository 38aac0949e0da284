package org.wootrichub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the one list of the hub's keys, and application.properties the one place of
 * their defaults: every hub key of the properties file has one row, with the environment variable Camel maps to it
 * and the same default.
 */
class ConfigurationTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| `([a-z0-9.-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void everyHubKeyHasOneRowWithItsEnvironmentVariableAndTheSameDefault() throws IOException {
        Map<String, String> table = new LinkedHashMap<>();
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            assertThat(table).as("one row per key").doesNotContainKey(row.group(2));
            table.put(row.group(2), row.group(3).trim());
            variables.put(row.group(2), row.group(1));
        }
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("camel.") || key.startsWith("wootric.hosts.")) {
                continue;
            }
            assertThat(table).as("README row for %s", key).containsKey(key);
            assertThat(variables.get(key)).as("environment variable of %s", key)
                    .isEqualTo(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            String value = properties.getProperty(key).trim();
            assertThat(table.get(key)).as("README default of %s", key).isEqualTo(value.isEmpty() ? "(none)" : "`" + value + "`");
        }
    }
}
