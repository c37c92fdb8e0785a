package dev.gemgate.domain.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The plain text of a tenant key, which exists only between its creation and the moment it is shown to its owner,
 * and in the requests that present it. Format: {@code gmg_} + 40 base62 characters (about 238 bits of entropy).
 * Keys that random need no salt or slow hash: SHA-256 of the whole key is the stored lookup hash, and the first 12
 * characters are the visible prefix.
 */
public final class ApiKeySecret {
    public static final String SCHEME = "gmg_";
    static final int RANDOM_CHARS = 40;
    public static final int PREFIX_LENGTH = 12;
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Never used itself: each hash clones it (see {@link #hash}). */
    private static final MessageDigest SHA_256 = newSha256();

    private final String value;

    private ApiKeySecret(String value) {
        this.value = value;
    }

    public static ApiKeySecret generate(SecureRandom random) {
        StringBuilder sb = new StringBuilder(SCHEME);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return new ApiKeySecret(sb.toString());
    }

    /** Wraps a presented key; any string may be presented, it simply will not match a stored hash if malformed. */
    public static ApiKeySecret presented(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("an empty key is not a key");
        }
        return new ApiKeySecret(value);
    }

    /** Whether the key has Gemgate's own shape (a cheap refusal before any lookup). */
    public boolean hasGemgateShape() {
        if (!value.startsWith(SCHEME) || value.length() != SCHEME.length() + RANDOM_CHARS) {
            return false;
        }
        for (int i = SCHEME.length(); i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * SHA-256 of the key, in hex: what is stored and looked up. Computed on every authenticated request, so the
     * digest is cloned from one looked up once rather than found again through the security providers each time (about
     * 1% of a request's CPU in issue 21's profile 7).
     */
    public String hash() {
        return HexFormat.of().formatHex(sha256().digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256(); // a provider whose digests cannot be cloned
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public String prefix() {
        return value.substring(0, Math.min(PREFIX_LENGTH, value.length()));
    }

    /** The secret itself: call only to show it once to its owner or to send it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return prefix() + "…";
    }
}
