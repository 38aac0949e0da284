package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** segment-ingress.md, "Authentication". */
class WriteKeysTest {

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- Basic auth

    @ParameterizedTest(name = "Basic base64(\"{0}\") -> write key \"{1}\"")
    @CsvSource({
            "'wk_live_123:',          wk_live_123",
            "'wk_live_123',           wk_live_123",
            "'wk_live_123:anything',  wk_live_123",
            "'wk_live_123:pa:ss',     wk_live_123",
            "'wk-ünï:',               wk-ünï"})
    void writeKeyIsTheBasicAuthUserName(String credentials, String expectedKey) {
        assertThat(WriteKeys.fromBasicAuth(basic(credentials))).isEqualTo(expectedKey);
    }

    @ParameterizedTest(name = "scheme spelled \"{0}\" is accepted")
    @ValueSource(strings = {"Basic ", "basic ", "BASIC "})
    void basicSchemeIsCaseInsensitive(String scheme) {
        String header = scheme + Base64.getEncoder().encodeToString("wk1:".getBytes(StandardCharsets.UTF_8));
        assertThat(WriteKeys.fromBasicAuth(header)).isEqualTo("wk1");
    }

    @ParameterizedTest(name = "Authorization \"{0}\" gives no write key")
    @NullAndEmptySource
    @ValueSource(strings = {"Basic", "Basic !!!not-base64!!!", "Basic d2sx=x", "Bearer d2sxOg==", "d2sxOg==",
            "Digest username=\"wk1\""})
    void unusableAuthorizationGivesNoKey(String header) {
        assertThat(WriteKeys.fromBasicAuth(header)).isNull();
    }

    // ---------------------------------------------------------------- accepts

    @ParameterizedTest(name = "configured \"wk_one, wk_two\": \"{0}\" accepted={1}")
    @CsvSource(nullValues = "NULL", value = {
            "wk_one,      true",
            "wk_two,      true",
            "wk_three,    false",
            "WK_ONE,      false",
            "wk_on,       false",
            "wk_one_more, false",
            "'',          false",
            "NULL,        false"})
    void acceptsOnlyConfiguredKeys(String candidate, boolean accepted) {
        WriteKeys keys = new WriteKeys("wk_one, wk_two");
        assertThat(keys.isEmpty()).isFalse();
        assertThat(keys.accepts(candidate)).isEqualTo(accepted);
    }

    @ParameterizedTest(name = "config \"{0}\" accepts nothing")
    @NullAndEmptySource
    @ValueSource(strings = {" ", ",", " , ,"})
    void emptyConfigAcceptsNothing(String config) {
        WriteKeys keys = new WriteKeys(config);
        assertThat(keys.isEmpty()).isTrue();
        assertThat(keys.accepts("anything")).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts(" ")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
    }

    @Test
    @DisplayName("a key from a Basic header with empty user name is not accepted")
    void emptyUserNameNotAccepted() {
        WriteKeys keys = new WriteKeys("wk1");
        assertThat(keys.accepts(WriteKeys.fromBasicAuth(basic(":wk1")))).isFalse();
    }

    // ---------------------------------------------------------------- masked

    @ParameterizedTest(name = "masked(\"{0}\") = \"{1}\"")
    @CsvSource(nullValues = "NULL", value = {
            "wk_live_1234567890, wk_l****",
            "abcde,              abcd****",
            "abcd,               ****",
            "ab,                 ****",
            "NULL,               (none)"})
    void maskedValues(String key, String expected) {
        assertThat(WriteKeys.masked(key)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "masked(\"{0}\") never shows the key in full")
    @ValueSource(strings = {"a", "abcd", "abcde", "wk_live_1234567890", "ZmFrZS13cml0ZS1rZXk"})
    void maskedNeverShowsTheWholeKey(String key) {
        assertThat(WriteKeys.masked(key)).doesNotContain(key);
    }
}
