package org.wootrichub.observe;

import java.util.List;

/** Replaces every configured secret value in text that leaves the hub (dead letters, error replies, logs). */
public class SecretMasker {

    private final List<String> secrets;

    public SecretMasker(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }
}
