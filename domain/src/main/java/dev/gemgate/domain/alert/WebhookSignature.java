package dev.gemgate.domain.alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature of a webhook delivery: {@code sha256=} and the lower-case hex HMAC-SHA256, keyed with the shared secret
 * (its UTF-8 bytes), of {@code <timestamp>.<body>}, where the timestamp is the {@code X-Gemgate-Timestamp} header (unix
 * seconds) and the body the exact bytes received. Signing the timestamp with the body lets a receiver refuse replays
 * of old deliveries (e.g. older than 5 minutes) that an attacker could not re-sign.
 */
public final class WebhookSignature {
    public static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook secret is required");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The {@code X-Gemgate-Signature} header value for {@code body} sent at {@code unixSeconds}. */
    public String sign(long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Whether {@code signature} is this secret's for {@code body} at {@code unixSeconds} (in constant time). */
    public boolean verifies(long unixSeconds, String body, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(unixSeconds, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "WebhookSignature[secret hidden]";
    }
}
