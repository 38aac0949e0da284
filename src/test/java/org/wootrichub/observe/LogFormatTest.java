package org.wootrichub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.routing.Route;
import org.apache.logging.log4j.core.appender.routing.RoutingAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;
import org.wootrichub.event.SegmentJson;

/** log4j2.properties: text lines by default, JSON lines (JsonTemplateLayout) with HUB_LOG_FORMAT=json. */
class LogFormatTest {

    private final Configuration configuration = ((LoggerContext) LogManager.getContext(false)).getConfiguration();

    @Test
    void theFormatIsChosenByHubLogFormatAndIsTextWithoutIt() {
        Appender format = configuration.getAppender("format");
        assertThat(format).isInstanceOf(RoutingAppender.class);
        // HUB_LOG_FORMAT is not set for the tests; lower-cased, so JSON works as well as json
        assertThat(((RoutingAppender) format).getRoutes().getPattern(Log4jLogEvent.newBuilder().build(), new ConcurrentHashMap<>())).isEqualTo(System.getenv("HUB_LOG_FORMAT") == null ? "text"
                : System.getenv("HUB_LOG_FORMAT").toLowerCase());
        assertThat(configuration.getRootLogger().getAppenders()).containsKey("format");
    }

    @Test
    void theJsonAppenderIsMadeOnlyWhenTheFirstJsonLineIsWritten() {
        // made at start, its layout took about 40 ms of every start, text or JSON
        assertThat(configuration.<Appender>getAppender("json")).isNull();
        assertThat(configuration.getAppenders()).containsOnlyKeys("format", "text");
    }

    @Test
    void jsonLinesCarryTheEventsMessageIdAndUserKeyAsFields() {
        Appender json = jsonAppender();
        assertThat(json.getLayout()).isInstanceOf(JsonTemplateLayout.class);
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue(LogValues.MESSAGE_ID, "m-1");
        mdc.putValue(LogValues.USER_KEY, "user-1");
        String line = ((JsonTemplateLayout) json.getLayout()).toSerializable(Log4jLogEvent.newBuilder()
                .setLoggerName("org.wootrichub.delivery.DeliveryFailures").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("Dead letter: track event m-1 → wootric.dlq (invalid_score): line\nbreak"))
                .setContextData(mdc).build());

        assertThat(line).endsWith("\n").doesNotContain("\nbreak");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode fields = SegmentJson.parse(line);
        assertThat(fields.path("level").asText()).isEqualTo("ERROR");
        assertThat(fields.path("logger").asText()).isEqualTo("org.wootrichub.delivery.DeliveryFailures");
        assertThat(fields.path("message").asText()).startsWith("Dead letter: track event m-1").endsWith("line\nbreak");
        assertThat(fields.path("messageId").asText()).isEqualTo("m-1");
        assertThat(fields.path("userKey").asText()).isEqualTo("user-1");
        assertThat(fields.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    /** The appender of the routing appender's "json" route, made from its definition as the routing appender makes it. */
    private Appender jsonAppender() {
        Route route = Arrays.stream(((RoutingAppender) configuration.getAppender("format")).getRoutes().getRoutes())
                .filter(r -> "json".equals(r.getKey())).findFirst().orElseThrow();
        Node definition = new Node(route.getNode().getChildren().get(0));
        configuration.createConfiguration(definition, Log4jLogEvent.newBuilder().build());
        return definition.getObject(Appender.class);
    }
}
