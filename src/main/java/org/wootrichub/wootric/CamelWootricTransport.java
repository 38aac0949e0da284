package org.wootrichub.wootric;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.wootric.budget.BudgetLane;

/**
 * Wootric HTTP through the routes of deliver-wootric.camel.yaml: API calls through the route that waits for the
 * account's rate limit, token calls straight to the HTTP call (they do not spend the API budget). The endpoint URI
 * stays fixed (one connection pool); the URL of each call travels in CamelHttpUri.
 */
public class CamelWootricTransport implements WootricTransport {

    static final String API_ROUTE = "direct:wootric-api-call";
    static final String HTTP_ROUTE = "direct:wootric-http";

    private static final String[] RATE_HEADERS = {"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Retry-After"};

    private final ProducerTemplate producer;
    private final BudgetLane lane;
    /** The two routes' endpoints (HTTP, API), resolved once: a send by URI looks up and normalises it on every call. */
    private volatile Endpoint[] routes;

    public CamelWootricTransport(ProducerTemplate producer) {
        this(producer, BudgetLane.SURVEY);
    }

    /** @param lane the budget lane of this transport's API calls (header {@code hubBudgetLane}) */
    public CamelWootricTransport(ProducerTemplate producer, BudgetLane lane) {
        this.producer = producer;
        this.lane = lane;
    }

    @Override
    public WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall) {
        Exchange result = producer.send(route(apiCall), exchange -> {
            var message = exchange.getMessage();
            // the enum camel-http reads: a String costs a type-converter search on every call (8% of a dispatch
            // consumer's CPU in the end-to-end profile; Camel does not cache String-to-enum lookups)
            message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
            message.setHeader(Exchange.HTTP_URI, url);
            if (apiCall) {
                // read and removed by the API call route; a token call's route would send it to Wootric
                message.setHeader(HubHeaders.BUDGET_LANE, lane.header());
            }
            if (query != null) {
                message.setHeader(Exchange.HTTP_QUERY, query);
            }
            if (bearer != null) {
                message.setHeader("Authorization", "Bearer " + bearer);
            }
            message.setHeader("Accept", "application/json");
            if (formBody != null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                message.setBody(formBody);
            } else {
                message.setBody(null);
            }
        });
        if (result.getException() != null) {
            Exception e = result.getException();
            throw new TransientFailure("wootric_unreachable", method + " " + stripQuery(url) + " failed: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), 0, null, null, e);
        }
        var message = result.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : RATE_HEADERS) {
            String value = message.getHeader(name, String.class);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return new WootricAnswer(status == null ? 0 : status, message.getBody(String.class), headers);
    }

    private Endpoint route(boolean apiCall) {
        Endpoint[] resolved = routes;
        if (resolved == null) {
            resolved = new Endpoint[] {producer.getCamelContext().getEndpoint(HTTP_ROUTE), producer.getCamelContext().getEndpoint(API_ROUTE)};
            routes = resolved;
        }
        return resolved[apiCall ? 1 : 0];
    }

    private static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
