package dev.gemgate.adapter.persistence;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Seals secrets at rest with AES-256-GCM under the deployment's master key. A sealed value is
 * {@code version (1 byte, 1) | nonce (12 random bytes) | ciphertext + 16-byte tag}; the associated data is what the
 * secret belongs to (the credential id), so a ciphertext copied into another row does not open. {@link #keyId()} is a
 * fingerprint of the key (the first 8 bytes of its SHA-256, hex) stored beside each ciphertext: it tells "another master
 * key" apart from "damaged data" without revealing the key. The key itself never appears in a message or
 * {@link #toString()}.
 */
public final class AesGcmSecretBox {
    public static final int KEY_BYTES = 32;
    static final byte VERSION = 1;
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random;

    public AesGcmSecretBox(byte[] masterKey) {
        this(masterKey, new SecureRandom());
    }

    AesGcmSecretBox(byte[] masterKey, SecureRandom random) {
        if (masterKey == null || masterKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("the master key must be " + KEY_BYTES + " bytes (AES-256)");
        }
        this.key = new SecretKeySpec(masterKey.clone(), "AES");
        this.keyId = fingerprint(masterKey);
        this.random = random;
    }

    /** The fingerprint of the master key: 16 hex digits, safe to store and to show. */
    public String keyId() {
        return keyId;
    }

    public byte[] seal(String secret, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    /**
     * The secret {@link #seal} sealed for {@code associatedData}.
     *
     * @throws CannotOpenException when the value was sealed under another key ({@code sealedKeyId} differs), for
     *                             other associated data, or was altered
     */
    public String open(byte[] sealed, String associatedData, String sealedKeyId) {
        if (!keyId.equals(sealedKeyId)) {
            throw new CannotOpenException("it was encrypted with master key " + sealedKeyId + ", this instance has "
                    + keyId, true);
        }
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new CannotOpenException("its ciphertext is not in a known format", false);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new CannotOpenException("its ciphertext fails authentication (altered, or moved from another row)",
                    false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    static String fingerprint(byte[] masterKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(masterKey);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AesGcmSecretBox[key " + keyId + "]";
    }

    /** A sealed value that does not open; the message says why, never with the key or the secret. */
    public static final class CannotOpenException extends RuntimeException {
        private final boolean wrongKey;

        CannotOpenException(String reason, boolean wrongKey) {
            super(reason, null, false, false);
            this.wrongKey = wrongKey;
        }

        /** True when the value was sealed under another master key (as opposed to damaged or moved). */
        public boolean wrongKey() {
            return wrongKey;
        }
    }
}
