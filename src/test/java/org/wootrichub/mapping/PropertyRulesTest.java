package org.wootrichub.mapping;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.wootrichub.event.SegmentJson;

/** wootric-mapping.md, identify: "Property value rules". */
class PropertyRulesTest {

    private static Map<String, String> nullValue(String key) {
        Map<String, String> map = new java.util.HashMap<>();
        map.put(key, null);
        return map;
    }

    @Test
    @DisplayName("reserved traits are matched ignoring case and _, as Segment's facade does")
    void reservedTraitsInAnySpelling() {
        Map<String, String> props = PropertyRules.toProperties(json("""
                {"Email":"a@b.co","created_at":"2015-01-01","CreatedAt":"2015-01-01","PHONE":"1","user_id":"u","anonymous_id":"a",
                 "Id":"9","plan":"pro"}"""), ReservedTraits.NOT_PROPERTIES);
        assertThat(props).containsOnly(entry("plan", "pro"));
    }

    private static JsonNode json(String text) {
        return SegmentJson.parse(text);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                // string -> itself
                Arguments.of("string", "{\"plan\":\"pro\"}", Map.of("plan", "pro")),
                Arguments.of("string with comma and non-ASCII", "{\"name\":\"Zoë, Jr.\"}", Map.of("name", "Zoë, Jr.")),
                Arguments.of("digit string stays a string", "{\"zip\":\"07001\"}", Map.of("zip", "07001")),
                Arguments.of("empty string", "{\"nick\":\"\"}", Map.of("nick", "")),
                Arguments.of("language", "{\"language\":\"fr\"}", Map.of("language", "fr")),
                Arguments.of("non-date string with a date-like prefix kept", "{\"ver\":\"2015-13-45\"}",
                        Map.of("ver", "2015-13-45")),
                // ISO date / date-time -> key_date = Unix seconds
                Arguments.of("ISO date", "{\"signup\":\"2015-01-01\"}", Map.of("signup_date", "1420070400")),
                Arguments.of("ISO date-time Z", "{\"signup\":\"2015-01-01T08:00:00Z\"}",
                        Map.of("signup_date", "1420099200")),
                Arguments.of("ISO date-time with offset", "{\"signup\":\"2015-01-01T10:00:00+02:00\"}",
                        Map.of("signup_date", "1420099200")),
                Arguments.of("ISO date-time without offset (UTC)", "{\"signup\":\"2015-01-01T08:00:00\"}",
                        Map.of("signup_date", "1420099200")),
                Arguments.of("ISO date-time with millis", "{\"signup\":\"2015-01-01T08:00:00.435Z\"}",
                        Map.of("signup_date", "1420099200")),
                Arguments.of("key already ending in _date not doubled", "{\"trial_end_date\":\"2015-01-01\"}",
                        Map.of("trial_end_date", "1420070400")),
                Arguments.of("date-time key already ending in _date", "{\"renewal_date\":\"2015-01-01T08:00:00Z\"}",
                        Map.of("renewal_date", "1420099200")),
                // integer -> integer; other number -> decimal string
                Arguments.of("integer", "{\"seats\":42}", Map.of("seats", "42")),
                Arguments.of("negative integer", "{\"balance\":-3}", Map.of("balance", "-3")),
                Arguments.of("zero", "{\"n\":0}", Map.of("n", "0")),
                Arguments.of("big integer", "{\"big\":12345678901234567890}", Map.of("big", "12345678901234567890")),
                Arguments.of("decimal", "{\"score\":3.14}", Map.of("score", "3.14")),
                Arguments.of("decimal below one", "{\"ratio\":0.5}", Map.of("ratio", "0.5")),
                Arguments.of("negative decimal", "{\"delta\":-2.75}", Map.of("delta", "-2.75")),
                Arguments.of("tiny decimal, not scientific", "{\"tiny\":1e-7}", Map.of("tiny", "0.0000001")),
                // boolean, null
                Arguments.of("true", "{\"active\":true}", Map.of("active", "true")),
                Arguments.of("false", "{\"active\":false}", Map.of("active", "false")),
                Arguments.of("null is kept as null (left out of a create, removed on update)", "{\"cleared\":null}", nullValue("cleared")),
                // nested objects flattened with _
                Arguments.of("nested object", "{\"address\":{\"city\":\"Paris\"}}", Map.of("address_city", "Paris")),
                Arguments.of("nested object, several keys and types",
                        "{\"address\":{\"city\":\"Paris\",\"zip\":75001,\"main\":true}}",
                        Map.of("address_city", "Paris", "address_zip", "75001", "address_main", "true")),
                Arguments.of("deeper nesting", "{\"a\":{\"b\":{\"c\":{\"d\":\"deep\"}}}}", Map.of("a_b_c_d", "deep")),
                Arguments.of("nested numbers", "{\"address\":{\"geo\":{\"lat\":48.85,\"lng\":2}}}",
                        Map.of("address_geo_lat", "48.85", "address_geo_lng", "2")),
                Arguments.of("nested date", "{\"address\":{\"moved\":\"2015-01-01\"}}",
                        Map.of("address_moved_date", "1420070400")),
                Arguments.of("nested null", "{\"address\":{\"line2\":null}}", nullValue("address_line2")),
                // keys: Rails' structure characters and empty names
                Arguments.of("brackets in a key", "{\"a[b]\":\"x\",\"c]\":\"y\"}", Map.of("a_b_", "x", "c_", "y")),
                Arguments.of("empty and blank keys dropped", "{\"\":\"x\",\" \":\"y\",\"ok\":\"z\"}", Map.of("ok", "z")),
                Arguments.of("empty nested key dropped", "{\"address\":{\"\":\"x\",\"city\":\"Oslo\"}}", Map.of("address_city", "Oslo")),
                Arguments.of("control character in a key", "{\"a\\tb\":\"x\"}", Map.of("a_b", "x")),
                // numeric _date values: milliseconds become seconds (the created_at rule)
                Arguments.of("_date in milliseconds", "{\"renewal_date\":1420099200435}", Map.of("renewal_date", "1420099200")),
                Arguments.of("_date in seconds", "{\"renewal_date\":1420099200}", Map.of("renewal_date", "1420099200")),
                Arguments.of("_date in milliseconds as text", "{\"renewal_date\":\"1420099200000\"}", Map.of("renewal_date", "1420099200")),
                Arguments.of("_date decimal seconds rounded", "{\"renewal_date\":1420099200.6}", Map.of("renewal_date", "1420099201")),
                Arguments.of("milliseconds without _date stay a number", "{\"count\":1420099200435}", Map.of("count", "1420099200435")),
                // reserved traits in any spelling are not properties; language in any spelling is "language"
                Arguments.of("Language spelled otherwise", "{\"Language\":\"fr\"}", Map.of("language", "fr")),
                Arguments.of("nested key sanitised", "{\"address\":{\"zip.code\":\"75001\"}}",
                        Map.of("address_zip_code", "75001")),
                // arrays of scalars comma-joined
                Arguments.of("array of strings", "{\"tags\":[\"a\",\"b\",\"c\"]}", Map.of("tags", "a,b,c")),
                Arguments.of("array of mixed scalars", "{\"mixed\":[1,\"two\",true,2.5]}",
                        Map.of("mixed", "1,two,true,2.5")),
                Arguments.of("array of one", "{\"roles\":[\"admin\"]}", Map.of("roles", "admin")),
                Arguments.of("empty array", "{\"tags\":[]}", Map.of("tags", "")),
                // $, . and NUL in keys -> _
                Arguments.of("dot in key", "{\"a.b\":\"x\"}", Map.of("a_b", "x")),
                Arguments.of("dollar in key", "{\"$set\":\"x\"}", Map.of("_set", "x")),
                Arguments.of("NUL in key", "{\"a\\u0000b\":\"x\"}", Map.of("a_b", "x")),
                Arguments.of("all three in one key", "{\"$a.b\\u0000c\":\"x\"}", Map.of("_a_b_c", "x")),
                Arguments.of("sanitised key of a date", "{\"trial.end\":\"2015-01-01\"}",
                        Map.of("trial_end_date", "1420070400")));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("rules")
    void toPropertiesFollowsTheRules(String description, String traits, Map<String, String> expected) {
        assertThat(PropertyRules.toProperties(json(traits), Set.of())).isEqualTo(expected);
    }

    @Test
    @DisplayName("a mixed set of traits gives string values only, with no nested objects or arrays")
    void mixedTraits() {
        Map<String, String> props = PropertyRules.toProperties(json("""
                {"plan":"pro","seats":3,"mrr":99.5,"vip":false,"signup":"2015-01-01","tags":["x","y"],
                 "company":{"name":"Acme","size":{"band":"10-50"}},"gone":null,"a.b":"dot"}"""), Set.of());
        assertThat(props).containsOnly(
                entry("plan", "pro"), entry("seats", "3"), entry("mrr", "99.5"), entry("vip", "false"),
                entry("signup_date", "1420070400"), entry("tags", "x,y"), entry("company_name", "Acme"),
                entry("company_size_band", "10-50"), new java.util.AbstractMap.SimpleEntry<>("gone", null), entry("a_b", "dot"));
    }

    @Test
    @DisplayName("excluded trait names are skipped")
    void excludedTraitsSkipped() {
        Map<String, String> props = PropertyRules.toProperties(
                json("{\"email\":\"a@b.co\",\"createdAt\":\"2015-01-01\",\"plan\":\"pro\"}"),
                Set.of("email", "createdAt"));
        assertThat(props).containsOnly(entry("plan", "pro"));
    }

    @ParameterizedTest(name = "traits {0} -> no properties")
    @CsvSource(delimiter = '|', value = {"{}", "null", "[]", "'\"text\"'"})
    void noObjectNoProperties(String traits) {
        assertThat(PropertyRules.toProperties(json(traits), Set.of())).isEmpty();
    }

    @Test
    @DisplayName("toProperties with a Java null gives no properties")
    void nullTraits() {
        assertThat(PropertyRules.toProperties(null, Set.of())).isEmpty();
    }

    static Stream<Arguments> putRows() {
        return Stream.of(
                Arguments.of("plan", "\"pro\"", Map.of("plan", "pro")),
                Arguments.of("seats", "7", Map.of("seats", "7")),
                Arguments.of("score", "9.5", Map.of("score", "9.5")),
                Arguments.of("ok", "true", Map.of("ok", "true")),
                Arguments.of("gone", "null", nullValue("gone")),
                Arguments.of("signup", "\"2015-01-01T08:00:00Z\"", Map.of("signup_date", "1420099200")),
                Arguments.of("signup_date", "\"2015-01-01\"", Map.of("signup_date", "1420070400")),
                Arguments.of("group_address", "{\"city\":\"Oslo\",\"geo\":{\"lat\":1}}",
                        Map.of("group_address_city", "Oslo", "group_address_geo_lat", "1")),
                Arguments.of("tags", "[\"a\",1]", Map.of("tags", "a,1")));
    }

    @ParameterizedTest(name = "put({0}, {1}) -> {2}")
    @MethodSource("putRows")
    void putAppliesTheRulesUnderTheGivenKey(String key, String valueJson, Map<String, String> expected) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("existing", "kept");
        PropertyRules.put(out, key, json(valueJson));
        Map<String, String> all = new LinkedHashMap<>(expected);
        all.put("existing", "kept");
        assertThat(out).isEqualTo(all);
    }
}
