package dev.gemgate.app;

import dev.gemgate.adapter.web.admin.BootstrapAdmin;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The admin API's local bootstrap credential. In prod there is none (the identity provider's role mapping makes the
 * first admin; {@link ProductionSafety} refuses a configured token). Elsewhere it is the configured token or, failing
 * that, one generated at the first start, kept (owner-readable only) in {@code gemgate.admin.bootstrap-token-file} and
 * printed on the console, never in the log.
 */
@ApplicationScoped
public class AdminProducers {
    private volatile boolean generatedNow;

    @Produces
    @Singleton
    BootstrapAdmin bootstrapAdmin(GemgateConfig config) {
        if (ConfigUtils.getProfiles().contains("prod")) {
            return new BootstrapAdmin(Optional.empty());
        }
        Optional<String> configured = config.admin().bootstrapToken().filter(t -> !t.isBlank());
        if (configured.isPresent()) {
            return new BootstrapAdmin(configured);
        }
        return new BootstrapAdmin(Optional.of(storedOrNew(Path.of(config.admin().bootstrapTokenFile()))));
    }

    private String storedOrNew(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = "gga_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, token + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a non-POSIX file system keeps its default permissions
            }
            generatedNow = true;
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the bootstrap admin token in " + file, e);
        }
    }

    void announce(@Observes StartupEvent event, BootstrapAdmin bootstrap, GemgateConfig config) {
        if (bootstrap.token().isEmpty() || config.admin().bootstrapToken().isPresent()) {
            return;
        }
        if (generatedNow) {
            System.out.println("""

                    ==============================================================================
                     Admin API (local only): a bootstrap admin token, shown this once, kept in %s:

                       %s

                     Try:  curl -s http://localhost:%s/admin/api/v1/tenants -H 'Authorization: Bearer %s'
                    ==============================================================================
                    """.formatted(config.admin().bootstrapTokenFile(), bootstrap.token().get(), httpPort(),
                    bootstrap.token().get()));
        } else {
            System.out.println("Gemgate: the admin API's bootstrap token is in " + config.admin().bootstrapTokenFile()
                    + " (local runs only).");
        }
    }

    private static String httpPort() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.port", String.class).orElse("8080");
    }
}
