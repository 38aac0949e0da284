package org.wootrichub.ingress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Turns a request body into its JSON bytes: gunzips when asked, and stops as soon as the limit is passed. */
public final class BodyDecoder {

    private BodyDecoder() {
    }

    public static byte[] decode(byte[] raw, String contentEncoding, int limit) {
        if (raw == null) {
            return new byte[0];
        }
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase();
        if (encoding.isEmpty() || encoding.equals("identity")) {
            if (raw.length > limit) {
                throw tooLarge(limit);
            }
            return raw;
        }
        if (!encoding.equals("gzip") && !encoding.equals("x-gzip")) {
            throw new IngressRejection(415, "unsupported_encoding", "Content-Encoding " + encoding + " is not supported; use gzip or none");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, raw.length * 4 + 64));
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    // A gzip bomb is cut here: nothing past the limit is ever inflated.
                    throw tooLarge(limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IngressRejection(400, "bad_gzip", "the body is not valid gzip: " + e.getMessage());
        }
    }

    private static IngressRejection tooLarge(int limit) {
        return new IngressRejection(413, "request_too_large", "the request body exceeds " + limit + " bytes (decompressed)");
    }
}
