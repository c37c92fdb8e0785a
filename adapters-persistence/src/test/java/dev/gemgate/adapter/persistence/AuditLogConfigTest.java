package dev.gemgate.adapter.persistence;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings as an operator writes them, through the same SmallRye mapping Quarkus uses. */
class AuditLogConfigTest {
    @Test
    void without_configuration_the_audit_log_is_async_with_a_local_spool() {
        PostgresAuditLog.Settings settings = PostgresAuditLog.Settings.of(mapping(Map.of()));

        assertThat(settings).isEqualTo(PostgresAuditLog.Settings.defaults(Path.of(".gemgate/audit-spool")));
        assertThat(settings.durability()).isEqualTo(PostgresAuditLog.Durability.ASYNC);
    }

    @Test
    void durability_sync_and_a_spool_directory_are_read_as_written() {
        PostgresAuditLog.Settings settings = PostgresAuditLog.Settings.of(mapping(Map.of(
                "gemgate.audit.durability", "sync",
                "gemgate.audit.spool-dir", "/var/lib/gemgate/audit-spool",
                "gemgate.audit.replay-interval", "250ms")));

        assertThat(settings.durability()).isEqualTo(PostgresAuditLog.Durability.SYNC);
        assertThat(settings.spoolDirectory()).isEqualTo(Path.of("/var/lib/gemgate/audit-spool"));
        assertThat(settings.replayInterval()).isEqualTo(Duration.ofMillis(250));
    }

    private static AuditLogConfig mapping(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AuditLogConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus's "50ms" style, as in the app
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(AuditLogConfig.class);
    }
}
