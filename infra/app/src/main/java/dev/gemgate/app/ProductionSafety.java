package dev.gemgate.app;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.List;

/**
 * The prod profile refuses to start with settings that are only for local runs: the emulator as upstream, the
 * embedded PostgreSQL, the demo tenant, a missing master key for the upstream credentials. It runs before any other start-up work.
 */
@ApplicationScoped
public class ProductionSafety {
    /** Set by {@link GemgateMain} when it started the embedded PostgreSQL. */
    static final String EMBEDDED_POSTGRES_PROPERTY = "gemgate.embedded-postgres.started";
    /** The fingerprint secret of local runs and tests (application.properties); never good enough for prod. */
    static final String LOCAL_FINGERPRINT_SECRET = "local-only-fingerprint-secret-not-for-production";

    void check(@Observes @Priority(1) StartupEvent event, GemgateConfig config) {
        if (!ConfigUtils.getProfiles().contains("prod")) {
            return;
        }
        List<String> problems = unsafeSettings(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The prod profile refuses to start: " + String.join("; ", problems));
        }
    }

    static List<String> unsafeSettings(GemgateConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.upstream().mode() == GemgateConfig.Upstream.Mode.EMULATOR) {
            problems.add("the upstream is the Gemini emulator (set GEMGATE_UPSTREAM_MODE=gemini with GEMINI_API_KEY, "
                    + "or vertex)");
        }
        if (config.embeddedPostgres().started()) {
            problems.add("the database is the embedded PostgreSQL (set QUARKUS_DATASOURCE_JDBC_URL and credentials)");
        }
        String secret = config.security().fingerprintSecret().orElse("");
        if (secret.length() < 32 || secret.equals(LOCAL_FINGERPRINT_SECRET)) {
            problems.add("gemgate.security.fingerprint-secret (GEMGATE_SECURITY_FINGERPRINT_SECRET) must be set to a "
                    + "secret of at least 32 characters, the same on every replica");
        }
        if (config.vault().masterKey().filter(k -> !k.isBlank()).isEmpty() && config.vault().masterKeyFile().isEmpty()) {
            problems.add("gemgate.vault.master-key (GEMGATE_VAULT_MASTER_KEY) or gemgate.vault.master-key-file must "
                    + "be set to the base64 of 32 random bytes, the same on every replica: it encrypts the upstream "
                    + "credentials at rest");
        }
        if (config.admin().bootstrapToken().filter(t -> !t.isBlank()).isPresent()) {
            problems.add("a bootstrap admin token is configured (gemgate.admin.bootstrap-token): in prod the first admin "
                    + "comes from the identity provider's role mapping");
        }
        if (config.seed().demoTenant()) {
            problems.add("the demo tenant seeding is on (gemgate.seed.demo-tenant)");
        }
        return problems;
    }
}
