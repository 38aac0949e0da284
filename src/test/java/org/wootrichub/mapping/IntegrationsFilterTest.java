package org.wootrichub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wootrichub.event.SegmentJson;

/** wootric-mapping.md, "Filtering": Segment's integrations object turns the Wootric destination off or on. */
class IntegrationsFilterTest {

    @ParameterizedTest(name = "[{index}] {0} -> excluded={1}")
    @CsvSource(delimiter = '|', textBlock = """
            # integrations (JSON, or 'absent')                            | excluded
            absent                                                        | false
            {}                                                            | false
            {"Wootric": false}                                            | true
            {"wootric": false}                                            | true
            {"WOOTRIC": false}                                            | true
            {"InMoment": false}                                           | true
            {"inmoment": false}                                           | true
            {"INMOMENT": false}                                           | true
            {"Wootric": true}                                             | false
            {"Wootric": {"eventType": "create response"}}                 | false
            {"All": false}                                                | true
            {"all": false}                                                | true
            {"All": false, "Wootric": true}                               | false
            {"All": false, "wootric": true}                               | false
            {"All": false, "WOOTRIC": true}                               | false
            {"All": false, "InMoment": true}                              | false
            {"All": false, "Wootric": {}}                                 | false
            {"All": false, "Wootric": {"eventType": "create response"}}   | false
            {"All": false, "InMoment": {"eventType": "create decline"}}   | false
            {"All": false, "Wootric": false}                              | true
            {"All": false, "Mixpanel": true}                              | true
            {"All": true}                                                 | false
            {"All": true, "Wootric": false}                               | true
            {"All": true, "InMoment": false}                              | true
            {"InMoment (formerly Wootric)": false}                        | true
            {"inmoment (FORMERLY wootric)": false}                        | true
            {"All": false, "InMoment (formerly Wootric)": true}           | false
            {"All": false, "InMoment (formerly Wootric)": {}}             | false
            {"Mixpanel": false}                                           | false
            {"Mixpanel": false, "Wootric": true}                          | false
            """)
    void integrationsDecideWhetherWootricGetsTheEvent(String integrations, boolean excluded) {
        String event = "absent".equals(integrations)
                ? "{\"type\":\"identify\",\"userId\":\"u1\"}"
                : "{\"type\":\"identify\",\"userId\":\"u1\",\"integrations\":" + integrations + "}";

        assertThat(IntegrationsFilter.excludes(SegmentJson.parse(event))).isEqualTo(excluded);
    }
}
