package org.wootrichub.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.broker.EmbeddedBroker;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.event.SegmentJson;

/**
 * The admin API's input: blank, whitespace, malformed and selector-shaped values never act on more than they name.
 * The real DeadLetters on an embedded broker, behind the API on a plain Vert.x server.
 */
class AdminApiTest {

    private static final String TOKEN = "admin-token-for-tests";
    private static final QueueNames QUEUES = HubDefaults.queues();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path data;

    private static EmbeddedBroker broker;
    private static ActiveMQConnectionFactory factory;
    private static Vertx vertx;
    private static HttpServer server;
    private static DeadLetters deadLetters;
    private static OutcomeLog outcomes;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedBroker(data, QUEUES, 1000, 0, 1000);
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
        deadLetters = new DeadLetters(factory, QUEUES);
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        outcomes = new OutcomeLog(factory, QUEUES, Clock.systemUTC());
        new AdminApi(deadLetters, outcomes, new Preview(null, null, null, null, null, null, null) {
            @Override
            public ObjectNode run(String body, boolean liveLookups) {
                return SegmentJson.MAPPER.createObjectNode().put("lookups", liveLookups ? "live" : "cache");
            }
        }, new Overview(new SimpleMeterRegistry(), QUEUES, Clock.systemUTC()), TOKEN).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        factory.close();
        broker.stop();
    }

    /**
     * Three dead letters: two wootric_rejected, one invalid_score; nothing on the ingest queue. Three outcome
     * records: o1 and o2 of user u'1, o3 of user u2.
     */
    @BeforeEach
    void seed() throws Exception {
        drain(QUEUES.deadLetters());
        drain(QUEUES.events());
        drain(QueueNames.OUTCOMES);
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QueueNames.OUTCOMES))) {
            for (String[] record : new String[][] {{"o1", "u'1"}, {"o2", "u'1"}, {"o3", "u2"}}) {
                TextMessage message = session.createTextMessage(
                        "{\"messageId\":\"" + record[0] + "\",\"userKey\":\"" + record[1].replace("'", "\\u0027") + "\"}");
                message.setStringProperty(HubHeaders.MESSAGE_ID, record[0]);
                message.setStringProperty(HubHeaders.USER_KEY, record[1]);
                producer.send(message);
            }
        }
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUES.deadLetters()))) {
            int n = 0;
            for (String reason : List.of("wootric_rejected", "wootric_rejected", "invalid_score")) {
                n++;
                TextMessage message = session.createTextMessage(
                        "{\"type\":\"identify\",\"userId\":\"u" + n + "\",\"messageId\":\"m" + n + "\"}");
                message.setStringProperty(HubHeaders.REASON, reason);
                producer.send(message);
            }
        }
        assertThat(total()).isEqualTo(3);
    }

    private static void drain(String queue) throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            var consumer = session.createConsumer(session.createQueue(queue));
            while (consumer.receive(50) != null) {
                // drop
            }
        }
    }

    private static HttpResponse<String> call(String method, String path) throws Exception {
        return call(method, path, null, TOKEN);
    }

    private static HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return SegmentJson.parse(response.body());
    }

    private static int total() throws Exception {
        return deadLetters.list(null, 0, 1).get("total").asInt();
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String firstId() throws Exception {
        return deadLetters.list(null, 0, 1).get("items").get(0).get("id").asText();
    }

    /** Blank, whitespace and JMS-selector-shaped values. */
    private static final String[] ODD_VALUES = {"", " ", "%20", "\t", "x' OR '1'='1", "' OR 1=1 OR hubReason <> '",
        "wootric_rejected' OR '1'='1", "wootric_rejected OR 1=1", "WOOTRIC_REJECTED", "%"};

    // ---------------------------------------------------------------- by id

    @ParameterizedTest(name = "id \"{0}\": show, replay and purge are 404 and touch nothing")
    @ValueSource(strings = {" ", "\t", "x' OR '1'='1", "ID:x' OR '1'='1", "ID:' OR JMSMessageID IS NOT NULL OR ''='",
        "ID:", "*", "ID:abc def", "%"})
    void anOddIdIsA404ForEveryOperation(String id) throws Exception {
        String path = "/admin/dlq/" + encoded(id);
        assertThat(call("GET", path).statusCode()).isEqualTo(404);
        assertThat(call("POST", path + "/replay").statusCode()).isEqualTo(404);
        assertThat(call("DELETE", path).statusCode()).isEqualTo(404);
        assertThat(total()).isEqualTo(3);
    }

    @Test
    void aTrailingSlashOrADoubleSlashIsNotTheWholeQueue() throws Exception {
        assertThat(call("DELETE", "/admin/dlq/").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/admin/dlq//replay").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/admin/dlq/replay/").statusCode()).isEqualTo(404);
        assertThat(total()).isEqualTo(3);
    }

    @Test
    void aValidIdActsOnThatDeadLetterOnly() throws Exception {
        String id = firstId();
        assertThat(ok(call("GET", "/admin/dlq/" + encoded(id))).get("id").asText()).isEqualTo(id);
        assertThat(ok(call("DELETE", "/admin/dlq/" + encoded(id))).get("purged").asInt()).isEqualTo(1);
        assertThat(total()).isEqualTo(2);
        assertThat(call("DELETE", "/admin/dlq/" + encoded(id)).statusCode()).isEqualTo(404);
        assertThat(total()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- by reason

    @Test
    void oddReasonsAreA400ForListReplayAndPurge() throws Exception {
        for (String reason : ODD_VALUES) {
            String query = "?reason=" + encoded(reason);
            assertThat(call("GET", "/admin/dlq" + query).statusCode()).as("list " + reason).isEqualTo(400);
            assertThat(call("POST", "/admin/dlq/replay" + query).statusCode()).as("replay " + reason).isEqualTo(400);
            assertThat(call("DELETE", "/admin/dlq" + query).statusCode()).as("purge " + reason).isEqualTo(400);
        }
        assertThat(total()).isEqualTo(3);
    }

    @Test
    void aReasonActsOnThatReasonOnly() throws Exception {
        assertThat(ok(call("GET", "/admin/dlq?reason=invalid_score")).get("total").asInt()).isEqualTo(1);
        assertThat(ok(call("GET", "/admin/dlq?reason=unknown_reason")).get("total").asInt()).isZero();
        assertThat(ok(call("DELETE", "/admin/dlq?reason=invalid_score")).get("purged").asInt()).isEqualTo(1);
        assertThat(total()).isEqualTo(2);
        assertThat(ok(call("POST", "/admin/dlq/replay?reason=invalid_score")).get("replayed").asInt()).isZero();
        assertThat(total()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- paging

    @ParameterizedTest(name = "list with {0} -> 400")
    @ValueSource(strings = {"limit=0", "limit=501", "limit=-1", "limit=abc", "limit=", "limit=%20", "limit=1.5", "limit=99999999999",
        "offset=-1", "offset=x", "offset=", "offset=1e3", "limit=10&offset=-5"})
    void pagingOutOfRangeIsA400(String query) throws Exception {
        assertInvalid("GET", "/admin/dlq?" + query, null);
    }

    /** A 400 with an invalid_... code. */
    private static void assertInvalid(String method, String path, String body) throws Exception {
        HttpResponse<String> response = call(method, path, body, TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"invalid_");
    }

    @Test
    void pagingWithinRangeWorks() throws Exception {
        JsonNode page = ok(call("GET", "/admin/dlq?limit=1&offset=1"));
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(ok(call("GET", "/admin/dlq?limit=500&offset=0")).get("items")).hasSize(3);
    }

    // ---------------------------------------------------------------- DeadLetters on its own

    @Test
    void theSelectorRefusesValuesThatWouldSelectEverything() {
        assertThat(DeadLetters.selector(null, null)).isNull();
        assertThat(DeadLetters.selector("invalid_score", null)).isEqualTo("hubReason = 'invalid_score'");
        for (String odd : new String[] {"", " ", "x' OR '1'='1"}) {
            assertThatThrownBy(() -> DeadLetters.selector(odd, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DeadLetters.selector(null, odd)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void deadLettersActsOnNothingForAnOddId() throws Exception {
        for (String odd : new String[] {"", " ", "x' OR '1'='1"}) {
            assertThat(deadLetters.show(odd)).isNull();
            assertThat(deadLetters.replay(null, odd)).isZero();
            assertThat(deadLetters.purge(null, odd)).isZero();
        }
        assertThat(total()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- the outcome log

    private static List<String> messageIds(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("messageId").asText()));
        return ids;
    }

    @Test
    void eventsAreFoundByMessageIdOrUserIdNewestFirst() throws Exception {
        assertThat(messageIds(ok(call("GET", "/admin/events")))).containsExactly("o3", "o2", "o1");
        assertThat(messageIds(ok(call("GET", "/admin/events?messageId=o2")))).containsExactly("o2");
        assertThat(messageIds(ok(call("GET", "/admin/events?userId=" + encoded("u'1"))))).containsExactly("o2", "o1");
        assertThat(messageIds(ok(call("GET", "/admin/events?userId=u2&messageId=o3")))).containsExactly("o3");
        assertThat(messageIds(ok(call("GET", "/admin/events?userId=u2&messageId=o1")))).isEmpty();
        JsonNode page = ok(call("GET", "/admin/events?limit=1&offset=1"));
        assertThat(messageIds(page)).containsExactly("o2");
        assertThat(page.get("total").asInt()).isEqualTo(3);
    }

    @Test
    void selectorShapedSearchValuesMatchNothing() throws Exception {
        for (String odd : new String[] {"x' OR '1'='1", "' OR 1=1 OR hubMessageId <> '", "o1' OR hubMessageId IS NOT NULL OR ''='", "%", "o_"}) {
            assertThat(ok(call("GET", "/admin/events?messageId=" + encoded(odd))).get("total").asInt()).as(odd).isZero();
            assertThat(ok(call("GET", "/admin/events?userId=" + encoded(odd))).get("total").asInt()).as(odd).isZero();
        }
    }

    @ParameterizedTest(name = "events with {0} -> 400")
    @ValueSource(strings = {"messageId=", "messageId=%20", "messageId=%09", "userId=", "userId=%20%20", "limit=0", "limit=501",
        "limit=x", "offset=-1", "offset=10001", "offset=", "messageId=o1&limit=1.5"})
    void badSearchesAreA400(String query) throws Exception {
        assertInvalid("GET", "/admin/events?" + query, null);
    }

    @Test
    void aTooLongSearchValueIsA400() throws Exception {
        assertInvalid("GET", "/admin/events?messageId=" + "m".repeat(OutcomeLog.MAX_VALUE_LENGTH + 1), null);
    }

    // ---------------------------------------------------------------- the preview

    @Test
    void thePreviewWantsTheTokenBeforeItReadsTheBody() throws Exception {
        assertThat(call("POST", "/admin/preview", "{\"type\":\"identify\",\"userId\":\"p\"}", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/admin/preview", "{\"type\":\"identify\",\"userId\":\"p\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/events", null, null).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "preview body \"{0}\" -> 400")
    @ValueSource(strings = {"", " ", "not json", "{\"type\":", "{} {}"})
    void aPreviewOfNoEventIsA400(String body) throws Exception {
        assertInvalid("POST", "/admin/preview", body);
    }

    @Test
    void previewLookupsAreFromTheCacheOrLive() throws Exception {
        String event = "{\"type\":\"identify\",\"userId\":\"p\"}";
        assertThat(ok(call("POST", "/admin/preview", event, TOKEN)).get("lookups").asText()).isEqualTo("cache");
        assertThat(ok(call("POST", "/admin/preview?lookups=cache", event, TOKEN)).get("lookups").asText()).isEqualTo("cache");
        assertThat(ok(call("POST", "/admin/preview?lookups=live", event, TOKEN)).get("lookups").asText()).isEqualTo("live");
        for (String odd : new String[] {"", "LIVE", "x' OR '1'='1", "%20"}) {
            assertThat(call("POST", "/admin/preview?lookups=" + encoded(odd), event, TOKEN).statusCode()).as(odd).isEqualTo(400);
        }
        assertThat(call("POST", "/admin/preview/", event, TOKEN).statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- the overview and the console

    @Test
    void theOverviewWantsTheToken() throws Exception {
        assertThat(call("GET", "/admin/overview", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/overview", null, "wrong").statusCode()).isEqualTo(401);
        JsonNode overview = ok(call("GET", "/admin/overview"));
        assertThat(overview.get("throughput").get("delivered").asLong()).isZero();
        assertThat(overview.get("backlog").get("queued").isNull()).as("no backlog gauge on this registry").isTrue();
        assertThat(call("GET", "/admin/overview/x").statusCode()).isEqualTo(404);
    }

    @Test
    void theConsoleIsServedWithoutTheTokenWithItsTypesAndPolicy() throws Exception {
        HttpResponse<String> bare = call("GET", "/console", null, null);
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValue("console/");

        HttpResponse<String> index = call("GET", "/console/", null, null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'").doesNotContain("unsafe", "http"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.body()).contains("<script type=\"module\" src=\"main.js\">");
        assertThat(call("GET", "/console/index.html", null, null).body()).isEqualTo(index.body());
        assertThat(call("GET", "/console/main.js", null, null).headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(call("GET", "/console/console.css", null, null).headers().firstValue("Content-Type"))
                .hasValue("text/css; charset=utf-8");
    }

    /** Other resources of the classpath, a listing, encoded traversal, names of no console file: all 404, none served. */
    @ParameterizedTest(name = "{0} -> 404")
    @ValueSource(strings = {"/console/nothing.js", "/console/application.properties", "/console/..%2fapplication.properties",
        "/console/%2e%2e/application.properties", "/console/..%2F..%2Flog4j2.properties", "/console/.%2fmain.js", "/console/%6dain.js",
        "/console/MAIN.JS", "/console/main.js/", "/console//main.js", "/console/sub/main.js", "/console/main.js%00.html",
        "/console/org/wootrichub/admin/AdminApi.class", "/consolex/main.js"})
    void nothingButAConsoleFileIsServed(String path) throws Exception {
        HttpResponse<String> response = call("GET", path, null, null);
        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.body()).doesNotContain("camel.", "import ", "<script");
    }
}
