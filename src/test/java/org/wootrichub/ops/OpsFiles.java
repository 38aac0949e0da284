package org.wootrichub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the files under ops/ (Prometheus alert rules and their tests, the Grafana dashboard) say, for the tests that
 * keep them in step with the metrics the hub really exports.
 */
public final class OpsFiles {

    public static final Path RULES = Path.of("ops/prometheus/wootric-hub-rules.yml");
    public static final Path RULE_TESTS = Path.of("ops/prometheus/wootric-hub-rules.test.yml");
    public static final Path DASHBOARD = Path.of("ops/grafana/wootric-hub-dashboard.json");

    /** The hub's own metrics, and the JVM's and process's that Micrometer adds. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:hub|jvm|process)_[a-z0-9_]+)\\b");
    /** A metric with a selector; quotes may be escaped, as in a YAML string. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(hub_[a-z0-9_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)\\s*\\\\?\"([^\"\\\\]*)\\\\?\"");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private OpsFiles() {
    }

    public static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode rules() throws IOException {
        return YAML.readTree(RULES.toFile());
    }

    public static JsonNode ruleTests() throws IOException {
        return YAML.readTree(RULE_TESTS.toFile());
    }

    public static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());
    }

    /** Every PromQL expression of the dashboard's panels, as Grafana would send it (its variables unresolved). */
    public static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        return expressions;
    }

    /** The metric names the rules (expressions and the annotations that name one) and the dashboard use. */
    public static Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (Path file : List.of(RULES, DASHBOARD)) {
            Matcher metric = METRIC.matcher(text(file));
            while (metric.find()) {
                names.add(metric.group(1));
            }
        }
        return names;
    }

    /** A hub metric selected with fixed label values, such as {@code hub_queue_messages{queue="wootric.dlq"}}. */
    public record Selector(String metric, Map<String, String> labels) {
    }

    /** Every selector of a hub metric with fixed label values; matchers other than = and values with a Grafana variable ($job) are left out. */
    public static Set<Selector> selectors() {
        Set<Selector> selectors = new LinkedHashSet<>();
        for (Path file : List.of(RULES, DASHBOARD)) {
            Matcher selector = SELECTOR.matcher(text(file));
            while (selector.find()) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    if (matcher.group(2).equals("=") && !matcher.group(3).contains("$")) {
                        labels.put(matcher.group(1), matcher.group(3));
                    }
                }
                if (!labels.isEmpty()) {
                    selectors.add(new Selector(selector.group(1), labels));
                }
            }
        }
        return selectors;
    }
}
