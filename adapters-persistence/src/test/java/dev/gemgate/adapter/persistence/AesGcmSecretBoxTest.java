package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesGcmSecretBoxTest {
    private static final String SECRET = "AIzaSy-secret-key-of-the-pool-0123456789";

    private static byte[] key(int fill) {
        byte[] key = new byte[AesGcmSecretBox.KEY_BYTES];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private final AesGcmSecretBox box = new AesGcmSecretBox(key(7));

    @Test
    void aSealedSecretOpensForTheSameIdAndHidesThePlainText() {
        byte[] sealed = box.seal(SECRET, "pool-a");
        assertThat(sealed[0]).isEqualTo(AesGcmSecretBox.VERSION);
        assertThat(sealed).hasSize(1 + 12 + SECRET.length() + 16);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        assertThat(box.open(sealed, "pool-a", box.keyId())).isEqualTo(SECRET);
    }

    @Test
    void eachSealUsesAFreshNonce() {
        assertThat(box.seal(SECRET, "pool-a")).isNotEqualTo(box.seal(SECRET, "pool-a"));
    }

    @Test
    void aFlippedByteAnywhereFailsAuthentication() {
        byte[] sealed = box.seal(SECRET, "pool-a");
        for (int i = 1; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> box.open(tampered, "pool-a", box.keyId()))
                    .isInstanceOf(AesGcmSecretBox.CannotOpenException.class)
                    .hasMessageContaining("fails authentication")
                    .satisfies(e -> assertThat(((AesGcmSecretBox.CannotOpenException) e).wrongKey()).isFalse());
        }
    }

    @Test
    void aCiphertextMovedToAnotherIdDoesNotOpen() {
        byte[] sealed = box.seal(SECRET, "pool-a");
        assertThatThrownBy(() -> box.open(sealed, "pool-b", box.keyId()))
                .isInstanceOf(AesGcmSecretBox.CannotOpenException.class)
                .hasMessageContaining("moved from another row");
    }

    @Test
    void anotherMasterKeyIsNamedByFingerprintNeverByValue() {
        byte[] sealed = box.seal(SECRET, "pool-a");
        AesGcmSecretBox other = new AesGcmSecretBox(key(9));
        assertThat(other.keyId()).hasSize(16).isNotEqualTo(box.keyId());
        assertThatThrownBy(() -> other.open(sealed, "pool-a", box.keyId()))
                .isInstanceOf(AesGcmSecretBox.CannotOpenException.class)
                .hasMessageContaining(box.keyId()).hasMessageContaining(other.keyId())
                .satisfies(e -> assertThat(((AesGcmSecretBox.CannotOpenException) e).wrongKey()).isTrue());
        // Even a row whose fingerprint was forged to match fails authentication instead of yielding garbage.
        assertThatThrownBy(() -> other.open(sealed, "pool-a", other.keyId()))
                .isInstanceOf(AesGcmSecretBox.CannotOpenException.class)
                .hasMessageContaining("fails authentication");
    }

    @Test
    void onlyA256BitKeyIsAccepted() {
        assertThatThrownBy(() -> new AesGcmSecretBox(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
