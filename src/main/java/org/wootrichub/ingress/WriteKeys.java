package org.wootrichub.ingress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** The accepted Segment write keys, compared in constant time. */
public final class WriteKeys {

    private final List<byte[]> keys;

    public WriteKeys(String commaSeparated) {
        this.keys = commaSeparated == null ? List.of()
                : Arrays.stream(commaSeparated.split(","))
                        .map(String::trim)
                        .filter(k -> !k.isEmpty())
                        .map(k -> k.getBytes(StandardCharsets.UTF_8))
                        .toList();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public boolean accepts(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        byte[] candidate = key.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] k : keys) {
            // every key is compared, so the time does not tell which one (or whether one) matched
            match |= MessageDigest.isEqual(k, candidate);
        }
        return match;
    }

    /** The write key of a Basic Authorization header (user name; a missing colon is tolerated), or null. */
    public static String fromBasicAuth(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() < 6 || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A key shortened for logs: never more than its first four characters. */
    public static String masked(String key) {
        if (key == null) {
            return "(none)";
        }
        return key.length() <= 4 ? "****" : key.substring(0, 4) + "****";
    }
}
