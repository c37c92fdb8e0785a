package dev.gemgate.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the upstream credentials' master key comes from, and how a bad one stops the start. */
class MasterKeysTest {
    private static final byte[] KEY = new byte[32];
    private static final String KEY_TEXT = Base64.getEncoder().encodeToString(KEY);

    @TempDir
    Path dir;

    private static GemgateConfig.Vault vault(String key, Path file) {
        return new GemgateConfig.Vault() {
            @Override
            public Optional<String> masterKey() {
                return Optional.ofNullable(key);
            }

            @Override
            public Optional<Path> masterKeyFile() {
                return Optional.ofNullable(file);
            }
        };
    }

    @Test
    void theSettingComesFirstThenTheFile() throws Exception {
        assertThat(MasterKeys.resolve(vault(KEY_TEXT, null), true, dir.resolve("unused"))).isEqualTo(KEY);
        byte[] other = new byte[32];
        other[0] = 42;
        Path file = Files.writeString(dir.resolve("mounted"), Base64.getEncoder().encodeToString(other) + "\n");
        assertThat(MasterKeys.resolve(vault(null, file), true, dir.resolve("unused"))).isEqualTo(other);
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void aLocalRunGeneratesOneOwnerOnlyKeyAndKeepsIt() throws Exception {
        Path local = dir.resolve(".gemgate").resolve("master.key");
        byte[] first = MasterKeys.resolve(vault(null, null), false, local);
        assertThat(first).hasSize(32).isNotEqualTo(KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rw-------");
        assertThat(MasterKeys.resolve(vault(null, null), false, local)).isEqualTo(first);
    }

    @Test
    void theLocalKeyLivesBesideTheEmbeddedDatabase() {
        GemgateConfig.EmbeddedPostgres embedded = new GemgateConfig.EmbeddedPostgres() {
            @Override
            public String dataDir() {
                return dir.resolve("state").resolve("postgres").toString();
            }

            @Override
            public Optional<String> binariesDir() {
                return Optional.empty();
            }

            @Override
            public boolean started() {
                return false;
            }
        };
        assertThat(MasterKeys.localKeyFile(embedded)).isEqualTo(dir.resolve("state").resolve("master.key"));
    }

    @Test
    void prodNeverGeneratesOne() {
        assertThatThrownBy(() -> MasterKeys.resolve(vault(null, null), true, dir.resolve("master.key")))
                .hasMessageContaining("gemgate.vault.master-key");
        assertThat(dir.resolve("master.key")).doesNotExist();
    }

    @Test
    void aBadKeyNamesTheSettingNeverTheValue() throws Exception {
        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        assertThatThrownBy(() -> MasterKeys.resolve(vault(shortKey, null), false, dir.resolve("k")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gemgate.vault.master-key").hasMessageContaining("16 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> MasterKeys.resolve(vault("not base64 at all!", null), false, dir.resolve("k")))
                .hasMessageContaining("is not base64").hasMessageNotContaining("not base64 at all!");
        Path file = Files.writeString(dir.resolve("bad"), "c2hvcnQ=");
        assertThatThrownBy(() -> MasterKeys.resolve(vault(null, file), false, dir.resolve("k")))
                .hasMessageContaining("gemgate.vault.master-key-file").hasMessageNotContaining("c2hvcnQ=");
    }
}
