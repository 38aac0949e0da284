package org.wootrichub.wootric;

import java.util.Map;

/** Wootric's HTTP answer: status, body and the headers that matter (rate limits). */
public record WootricAnswer(int status, String body, Map<String, String> headers) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
