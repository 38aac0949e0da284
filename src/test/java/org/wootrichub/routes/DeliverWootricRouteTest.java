package org.wootrichub.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.wootric.CamelWootricTransport;
import org.wootrichub.wootric.DeferredTlsHttpComponent;
import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.wootric.budget.BudgetLane;
import org.wootrichub.wootric.budget.RateLimiter;

/**
 * deliver-wootric: an API call waits for the account's budget, shows Wootric's answer to the rate limiter and gives
 * its place back whatever happens; a token call goes straight to HTTP. The HTTP call is real, to a local WireMock.
 */
class DeliverWootricRouteTest extends RouteTestSupport {

    private final WireMockServer wootric = new WireMockServer(options().dynamicPort());
    private final List<String> budget = new CopyOnWriteArrayList<>();

    /** The limiter of the current test: a pause one test causes must not slow the next. */
    private volatile RateLimiter limiter;

    /** The account's limiter, recording what the route asks of it. */
    @ReplaceInRegistry
    RateLimiter wootricRateLimiter() {
        return new RateLimiter(0, 60_000, 0, System::currentTimeMillis) {
            @Override
            public void acquireFor(String lane) throws InterruptedException {
                budget.add("acquire " + BudgetLane.of(lane).header());
                limiter.acquireFor(lane);
            }

            @Override
            public void observe(int status, Map<String, ?> headers) {
                budget.add("observe " + status);
                limiter.observe(status, headers);
            }

            @Override
            public void releaseFor(String lane) {
                budget.add("release " + BudgetLane.of(lane).header());
                limiter.releaseFor(lane);
            }
        };
    }

    @BeforeEach
    void startWootric() {
        if (!wootric.isRunning()) {
            wootric.start();
        }
        wootric.resetAll();
        budget.clear();
        limiter = new RateLimiter(100, 60_000, 4, System::currentTimeMillis);
    }

    @AfterAll
    void stopWootric() {
        wootric.stop();
    }

    @Test
    void theHttpComponentIsTheHubsWithCamelsSettings() {
        HttpComponent http = producer.getCamelContext().getComponent("http", HttpComponent.class);
        // its TLS context is made at the first https connection, not at start
        assertThat(http).isInstanceOf(DeferredTlsHttpComponent.class);
        // camel.component.http.* reach it as they reach Camel's own (application.properties)
        assertThat(http.getConnectTimeout()).isEqualTo(5_000);
        assertThat(http.getResponseTimeout()).isEqualTo(20_000);
        assertThat(http.isAutomaticRetriesDisabled()).isTrue();
    }

    @Test
    void anApiCallWaitsForTheBudgetAndItsAnswerCanPauseTheLimiter() {
        long reset = System.currentTimeMillis() / 1000 + 120;
        wootric.stubFor(get(urlEqualTo("/v1/end_users/7")).willReturn(aResponse().withStatus(200).withBody("{\"id\":7}")
                .withHeader("X-Rate-Limit-Remaining", "0").withHeader("X-Rate-Limit-Reset", Long.toString(reset))));

        Exchange answer = call("direct:wootric-api-call", "GET", "/v1/end_users/7");

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        assertThat(answer.getMessage().getBody(String.class)).isEqualTo("{\"id\":7}");
        assertThat(budget).containsExactly("acquire survey", "observe 200", "release survey");
        assertThat(limiter.pausedUntil()).as("the budget is spent until Wootric's reset").isEqualTo(reset * 1000);
    }

    @Test
    void a429PausesTheLimiterForItsRetryAfter() {
        wootric.stubFor(get(urlEqualTo("/v1/end_users/8")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));
        long before = System.currentTimeMillis();

        Exchange answer = call("direct:wootric-api-call", "GET", "/v1/end_users/8");

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(429);
        assertThat(budget).containsExactly("acquire survey", "observe 429", "release survey");
        assertThat(limiter.pausedUntil()).isBetween(before + 30_000, System.currentTimeMillis() + 30_000);
    }

    @Test
    void aCallThatGetsNoAnswerStillGivesItsPlaceBack() {
        Exchange answer = producer.send("direct:wootric-api-call", exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            exchange.getMessage().setHeader(Exchange.HTTP_URI, "http://127.0.0.1:1/v1/end_users/9");
        });

        assertThat(answer.getException()).as("the caller classifies it").isNotNull();
        assertThat(budget).containsExactly("acquire survey", "release survey");
    }

    @Test
    void aCallIsInFlightInItsLaneUntilWootricAnswersAndTheLaneIsNotSentToWootric() throws Exception {
        wootric.stubFor(get(urlEqualTo("/v1/end_users/10")).willReturn(aResponse().withStatus(200).withBody("{\"id\":10}")
                .withFixedDelay(1_500)));

        CompletableFuture<Exchange> answer = producer.asyncSend("direct:wootric-api-call", exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            exchange.getMessage().setHeader(Exchange.HTTP_URI, wootric.baseUrl() + "/v1/end_users/10");
            exchange.getMessage().setHeader(HubHeaders.BUDGET_LANE, "property");
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> limiter.inFlight(BudgetLane.PROPERTY) == 1);
        assertThat(limiter.inFlight(BudgetLane.SURVEY)).isZero();
        assertThat(answer.get(10, TimeUnit.SECONDS).getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        assertThat(limiter.inFlight(BudgetLane.PROPERTY)).as("released in the lane it was taken in").isZero();
        assertThat(budget).containsExactly("acquire property", "observe 200", "release property");
        wootric.verify(getRequestedFor(urlEqualTo("/v1/end_users/10")).withoutHeader(HubHeaders.BUDGET_LANE));
    }

    @Test
    void aTokenCallDoesNotSpendTheBudget() {
        wootric.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"t\"}")));

        Exchange answer = call("direct:wootric-http", "POST", "/oauth/token");

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        assertThat(budget).isEmpty();
        wootric.verify(0, getRequestedFor(urlEqualTo("/v1/end_users/7")));
    }

    @Test
    void theClientsTokenCallCarriesNoBudgetLaneToWootric() {
        wootric.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"t\"}")));

        WootricAnswer answer = new CamelWootricTransport(producer).send("POST", wootric.baseUrl() + "/oauth/token", null,
                "grant_type=client_credentials", null, false);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(budget).isEmpty();
        wootric.verify(postRequestedFor(urlEqualTo("/oauth/token")).withoutHeader(HubHeaders.BUDGET_LANE));
    }

    @Test
    void anHttpsCallIsMadeWithTheJdksTrustedCertificates() {
        // WireMock's own certificate is self-signed: a TLS connection that checks it with the JDK's trust store refuses it
        WireMockServer untrusted = new WireMockServer(options().dynamicPort().dynamicHttpsPort());
        untrusted.start();
        try {
            untrusted.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200).withBody("{}")));

            Exchange answer = producer.send("direct:wootric-http", exchange -> {
                exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                exchange.getMessage().setHeader(Exchange.HTTP_URI, "https://localhost:" + untrusted.httpsPort() + "/oauth/token");
            });

            assertThat(answer.getException()).isNotNull();
            assertThat(answer.getException()).hasRootCauseInstanceOf(CertPathBuilderException.class);
            untrusted.verify(0, postRequestedFor(urlEqualTo("/oauth/token")));
        } finally {
            untrusted.stop();
        }
    }

    private Exchange call(String route, String method, String path) {
        return producer.send(route, exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
            exchange.getMessage().setHeader(Exchange.HTTP_URI, wootric.baseUrl() + path);
            if ("POST".equals(method)) {
                exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                exchange.getMessage().setBody("grant_type=client_credentials");
            }
        });
    }
}
