package org.wootrichub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.mapping.MappingSettings;
import org.wootrichub.wootric.WootricEndpoints;

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
        return new QueueNames(get("hub.queues.events"), get("hub.queues.rejected"), get("hub.queues.dlq"), get("hub.queues.pending"));
    }

    /** The mapping settings of a hub with default settings. */
    /** The outcome log's bound as a hub with default settings has it. */
    public static long outcomesMax() {
        return Long.parseLong(get("hub.outcomes.max"));
    }

    public static MappingSettings mapping() {
        return MappingSettings.of(get("wootric.track.response-events"), get("wootric.track.decline-events"),
                PROPERTIES.getProperty("wootric.track.survey-trigger-events", ""), get("wootric.track.other-events"),
                get("wootric.page.mode"));
    }

    /** Wootric's region hosts. */
    public static WootricEndpoints.Hosts wootricHosts() {
        return new WootricEndpoints.Hosts(get("wootric.hosts.us"), get("wootric.hosts.eu"), get("wootric.hosts.au"));
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
