package dev.gemgate.domain.resource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The {@code upload_id} of an upload URL Gemgate hands out: 32 random bytes (unguessable), 43 characters of unpadded
 * base64url. It is the authority for the upload's chunks (Python's SDK sends no API key with them), so only its
 * SHA-256 {@link #hash()} is stored and it is never logged ({@link #toString()} hides it).
 */
public record UploadToken(String value) {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public UploadToken {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not an upload id");
        }
    }

    public static UploadToken random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new UploadToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** True when {@code value} has the shape of a token (anything else is an unknown upload). */
    public static boolean isWellFormed(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    /** The SHA-256 of the token, in lowercase hex: what the session store keys on. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "UploadToken[redacted]";
    }
}
