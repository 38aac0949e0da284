package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.wootrichub.it.HubDefaults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.mapping.AliasTransformer;
import org.wootrichub.mapping.GroupTransformer;
import org.wootrichub.mapping.IdentifyTransformer;
import org.wootrichub.mapping.MappingSettings;
import org.wootrichub.mapping.PageTransformer;
import org.wootrichub.mapping.ScreenTransformer;
import org.wootrichub.mapping.TrackTransformer;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;

/**
 * The mapping spec as data: each file under src/test/resources/fixtures/mapping holds a Segment event, the end
 * users Wootric already has, and the Wootric requests (method, path, form) the hub must make, with the outcome.
 * Transformer and executor run together against {@link InMemoryWootric}.
 *
 * <pre>
 * {"description": "...",
 *  "settings": {"responseEvents": [...], "declineEvents": [...], "surveyTriggerEvents": [...],
 *               "otherEvents": "record|ignore", "pageMode": "record|ignore"},      (optional)
 *  "endUsers": [{"id": "7", "email": "...", "external_id": "...", "properties": {...}}],  (optional)
 *  "racingEndUsers": [{...}],  (optional: created by another writer right after the hub's lookup by email misses)
 *  "lookupMiss": "404" | "error_list" | "empty_array",  (optional: how Wootric answers a lookup that finds nobody)
 *  "takenAnswer": "errors-array" | "errors-object" | "fields" | "text",  (optional: the shape of "already been taken")
 *  "event": {...},
 *  "requests": [{"method": "GET", "path": "/v1/end_users/u1?lookup_by_external_id=true"},
 *               {"method": "PUT", "path": "/v1/end_users/7", "form": {"properties[plan]": "pro"}}],
 *  "outcome": "delivered" | "skipped:REASON" | "dead_letter:REASON"
 *             | "waits:survey_data" | "waits:property_update",   (the user is not known yet: parked until the grace)
 *  "warnings": ["REASON", ...]}  (optional: mapping warnings counted)
 * </pre>
 *
 * Every form key the hub sends must be one Wootric (Rails) reads as the field or property it means.
 */
class MappingFixturesTest {

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/fixtures/mapping"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode fixture = SegmentJson.MAPPER.readTree(file.toFile());
                all.add(Arguments.of(file.getFileName().toString() + ": " + fixture.path("description").asText(), fixture));
            }
        }
        assertThat(all).isNotEmpty();
        return all.stream();
    }

    /** The form keys Wootric reads as one field or one property: no stray brackets, no empty names. */
    static final Pattern FORM_KEY = Pattern.compile(
            "^(email|external_id|external_created_at|phone_number|last_surveyed|properties\\[[^\\[\\]]+\\]|end_user\\[properties\\]\\[[^\\[\\]]+\\]|[a-z_]+)$");

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void hubMakesExactlyTheExpectedWootricRequests(String name, JsonNode fixture) {
        InMemoryWootric wootric = new InMemoryWootric();
        fixture.path("endUsers").forEach(wootric::add);
        fixture.path("racingEndUsers").forEach(wootric::addWhenEmailLookupMisses);
        wootric.lookupMissAnswer(fixture.path("lookupMiss").asText("404"));
        wootric.takenAnswer(fixture.path("takenAnswer").asText("errors-array"));
        HubMetrics metrics = HubMetrics.inMemory();
        WootricEndpoints endpoints = InMemoryWootric.endpoints();
        WootricClient client = new WootricClient(wootric, new TokenSource(wootric, endpoints,
                new WootricCredentials("NPS-test", "id", "secret", null, null), Clock.systemUTC()), endpoints, metrics);
        PlanExecutor executor = new PlanExecutor(client, new EndUserCache(100, Duration.ofHours(1), Duration.ofMinutes(10),
                Clock.systemUTC()), metrics);
        JsonNode event = fixture.get("event");
        String type = event.get("type").asText();
        String outcome = fixture.get("outcome").asText();

        Runnable run = () -> executor.execute(transformer(type, settings(fixture.path("settings")), metrics).apply(event));
        if (outcome.startsWith("waits:")) {
            assertThatThrownBy(run::run).isInstanceOf(UserNotYetKnown.class)
                    .extracting(e -> ((UserNotYetKnown) e).surveyData()).isEqualTo(outcome.equals("waits:survey_data"));
        } else if (outcome.startsWith("dead_letter:")) {
            assertThatThrownBy(run::run).isInstanceOf(PermanentFailure.class)
                    .extracting(e -> ((PermanentFailure) e).reason()).isEqualTo(outcome.substring(12));
        } else {
            run.run();
            if (outcome.startsWith("skipped:")) {
                assertThat(metrics.count("hub.events", "outcome", "skipped", "reason", outcome.substring(8))).as("skip counted").isEqualTo(1);
            } else {
                assertThat(outcome).isEqualTo("delivered");
                assertThat(metrics.count("hub.events", "outcome", "delivered")).as("delivery counted").isEqualTo(1);
            }
        }

        List<InMemoryWootric.Recorded> expected = new ArrayList<>();
        for (JsonNode request : fixture.get("requests")) {
            Map<String, String> form = new LinkedHashMap<>();
            request.path("form").fields().forEachRemaining(f -> form.put(f.getKey(), f.getValue().asText()));
            expected.add(new InMemoryWootric.Recorded(request.get("method").asText(), request.get("path").asText(), form));
        }
        assertThat(wootric.requests()).as("Wootric requests").containsExactlyElementsOf(expected);
        for (InMemoryWootric.Recorded request : wootric.requests()) {
            assertThat(request.form().keySet()).as("form keys of " + request.path()).allMatch(k -> FORM_KEY.matcher(k).matches());
        }
        for (JsonNode warning : fixture.path("warnings")) {
            assertThat(metrics.count("hub.mapping.warnings", "reason", warning.asText())).as("warning " + warning).isEqualTo(1);
        }
    }

    static java.util.function.Function<JsonNode, WootricPlan> transformer(String type, MappingSettings settings, HubMetrics metrics) {
        return switch (type) {
            case "identify" -> new IdentifyTransformer(metrics)::plan;
            case "track" -> new TrackTransformer(settings)::plan;
            case "page" -> new PageTransformer(settings)::plan;
            case "screen" -> new ScreenTransformer(settings)::plan;
            case "group" -> new GroupTransformer()::plan;
            case "alias" -> new AliasTransformer()::plan;
            default -> throw new IllegalArgumentException(type);
        };
    }

    static MappingSettings settings(JsonNode node) {
        MappingSettings d = HubDefaults.mapping();
        return new MappingSettings(
                node.has("responseEvents") ? names(node.get("responseEvents")) : d.responseEvents(),
                node.has("declineEvents") ? names(node.get("declineEvents")) : d.declineEvents(),
                node.has("surveyTriggerEvents") ? names(node.get("surveyTriggerEvents")) : d.surveyTriggerEvents(),
                !"ignore".equals(node.path("otherEvents").asText("record")),
                !"ignore".equals(node.path("pageMode").asText("record")));
    }

    private static java.util.Set<String> names(JsonNode array) {
        java.util.Set<String> names = new java.util.HashSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
