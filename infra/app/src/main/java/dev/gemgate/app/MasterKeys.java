package dev.gemgate.app;

import dev.gemgate.adapter.persistence.AesGcmSecretBox;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Finds the master key of the upstream credential pool: {@code gemgate.vault.master-key}, else the file of
 * {@code gemgate.vault.master-key-file}, else (not in prod) the local key file, generated at the first start with
 * owner-only permissions. A key that is not the base64 of 32 bytes stops the start naming the setting, never the value.
 */
final class MasterKeys {
    private static final Logger LOG = Logger.getLogger(MasterKeys.class);
    static final String LOCAL_FILE_NAME = "master.key";
    private static final String HOW = "the base64 of 32 random bytes (openssl rand -base64 32)";

    private MasterKeys() {
    }

    /** Where a local run keeps its generated key: beside the embedded PostgreSQL's data directory. */
    static Path localKeyFile(GemgateConfig.EmbeddedPostgres embedded) {
        Path parent = Path.of(embedded.dataDir()).toAbsolutePath().getParent();
        return (parent == null ? Path.of(".").toAbsolutePath() : parent).resolve(LOCAL_FILE_NAME);
    }

    static byte[] resolve(GemgateConfig.Vault vault, boolean prod, Path localKeyFile) {
        Optional<String> configured = vault.masterKey().filter(k -> !k.isBlank());
        if (configured.isPresent()) {
            return decode(configured.get(), "gemgate.vault.master-key (GEMGATE_VAULT_MASTER_KEY)");
        }
        if (vault.masterKeyFile().isPresent()) {
            Path file = vault.masterKeyFile().get();
            return decode(read(file, "gemgate.vault.master-key-file"), "the content of gemgate.vault.master-key-file ("
                    + file + ")");
        }
        if (prod) {
            throw new IllegalStateException("The prod profile needs the upstream credentials' master key: set "
                    + "gemgate.vault.master-key (GEMGATE_VAULT_MASTER_KEY) or gemgate.vault.master-key-file to " + HOW
                    + ", the same on every replica");
        }
        return storedOrNew(localKeyFile);
    }

    private static byte[] storedOrNew(Path file) {
        if (Files.exists(file)) {
            return decode(read(file, "the local master key file"), "the local master key file " + file);
        }
        byte[] key = new byte[AesGcmSecretBox.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            Files.createDirectories(file.getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException raced) {
            return decode(read(file, "the local master key file"), "the local master key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the local master key in " + file, e);
        }
        LOG.infof("generated a local master key at %s (it encrypts the upstream credentials added through the admin "
                + "API: keep it with the database)", file);
        return key;
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + what + " " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private static byte[] decode(String base64, String setting) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not base64: it must be " + HOW);
        }
        if (key.length != AesGcmSecretBox.KEY_BYTES) {
            throw new IllegalStateException(setting + " decodes to " + key.length + " bytes: it must be " + HOW);
        }
        return key;
    }
}
