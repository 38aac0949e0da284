package org.wootrichub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.wootrichub.broker.QueueNames;

/** The hub's defaults, read from application.properties (where each is written once), for tests and tools. */
public final class HubDefaults {

    private static final Properties PROPERTIES = load();

    private HubDefaults() {
    }

    public static String get(String key) {
        String value = PROPERTIES.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("application.properties has no " + key);
        }
        return value.trim();
    }

    /** The queues as a hub with default settings names them. */
    public static QueueNames queues() {
        return new QueueNames(get("hub.queues.events"), get("hub.queues.rejected"), get("hub.queues.dlq"));
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = HubDefaults.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
