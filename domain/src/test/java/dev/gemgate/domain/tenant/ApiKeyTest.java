package dev.gemgate.domain.tenant;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    /** The stored lookup hash is SHA-256 of the whole key in lower-case hex, the same from every thread. */
    @Test
    void theHashIsSha256OfTheKey() throws Exception {
        String key = "gmg_0123456789abcdefghijABCDEFGHIJ0123456789";
        String expected = "369b15d0e8a6621bbb36b579f224bf651dd82d3e8f67306b2fe00914536de876";
        assertThat(ApiKeySecret.presented(key).hash()).isEqualTo(expected);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                hashes.add(threads.submit(() -> ApiKeySecret.presented(key).hash()));
            }
            for (Future<String> hash : hashes) {
                assertThat(hash.get()).isEqualTo(expected);
            }
        }
    }

    @Test
    void generatedSecretsHaveTheGemgateShapeAndAreNeverPrinted() {
        ApiKeySecret secret = ApiKeySecret.generate(new SecureRandom());
        assertThat(secret.reveal()).startsWith("gmg_").hasSize(44);
        assertThat(secret.hasGemgateShape()).isTrue();
        assertThat(secret.toString()).doesNotContain(secret.reveal().substring(12));
        assertThat(secret.hash()).hasSize(64).isEqualTo(ApiKeySecret.presented(secret.reveal()).hash());
        assertThat(ApiKeySecret.presented("AIzaSyNotOurs").hasGemgateShape()).isFalse();
    }

    @Test
    void aKeyIsUsableUntilRevokedOrPastItsGracePeriod() {
        ApiKeySecret secret = ApiKeySecret.generate(new SecureRandom());
        ApiKey key = new ApiKey(new ApiKeyId(UUID.randomUUID()), new TenantId(UUID.randomUUID()), "ci",
                secret.prefix(), secret.hash(), ApiKeyStatus.ACTIVE, T0, Optional.empty(), Optional.empty());
        assertThat(key.usabilityAt(T0)).isEqualTo(ApiKey.Usability.USABLE);

        ApiKey rotating = key.expiringAt(T0.plusSeconds(60));
        assertThat(rotating.usabilityAt(T0.plusSeconds(59))).isEqualTo(ApiKey.Usability.USABLE);
        assertThat(rotating.usabilityAt(T0.plusSeconds(60))).isEqualTo(ApiKey.Usability.EXPIRED);

        assertThat(key.revokedAt(T0).usabilityAt(T0)).isEqualTo(ApiKey.Usability.REVOKED);
    }

    @Test
    void aRotationNeverExtendsAKeysLife() {
        ApiKeySecret secret = ApiKeySecret.generate(new SecureRandom());
        ApiKey key = new ApiKey(new ApiKeyId(UUID.randomUUID()), new TenantId(UUID.randomUUID()), "ci",
                secret.prefix(), secret.hash(), ApiKeyStatus.ACTIVE, T0, Optional.empty(), Optional.empty());
        assertThat(key.expiringNoLaterThan(T0.plusSeconds(60)).expiresAt()).contains(T0.plusSeconds(60));
        ApiKey soon = key.expiringAt(T0.plusSeconds(10));
        assertThat(soon.expiringNoLaterThan(T0.plusSeconds(60)).expiresAt()).contains(T0.plusSeconds(10));
        assertThat(key.scopes().isUnrestricted()).isTrue();
        assertThat(key.lastUsedAt()).isEmpty();
    }
}
