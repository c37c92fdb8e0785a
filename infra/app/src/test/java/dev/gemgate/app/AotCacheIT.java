package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JVM's AOT cache that the build trains (infra/app/pom.xml, profile {@code aot-cache}) fits the packaged
 * application: with {@code -XX:AOTMode=on} the JVM refuses to start unless it can use the cache, and the application's
 * own classes (not just the JDK's) are loaded from it, which needs the aot-jar layout. A fresh start (initdb, every
 * migration, the demo seed) and a restart on the same data both come up ready, and the restart finds the seeded demo
 * tenant. The restart runs with tracing on, whose classes the training run put in the cache too. Neither start runs
 * an HQL query, so neither starts Hibernate's HQL parser. The training run also left the PostgreSQL binaries unpacked
 * beside the jar, and the first start uses them rather than unpacking its own. Skipped where the build made no cache
 * (JDK before 25, or {@code -DskipAotCache}).
 */
class AotCacheIT {
    @Test
    void thePackagedAppStartsFromTheTrainedCacheWithItsOwnClassesInIt() throws IOException {
        Path cache = PackagedGemgate.runJar().resolveSibling("app.aot");
        assumeTrue(Files.isRegularFile(cache), "no AOT cache was built (JDK < 25 or -DskipAotCache)");
        Path work = PackagedGemgate.freshWorkDirectory("aot-cache");
        Path classLoads = work.resolve("class-load.log");
        PackagedGemgate.Builder builder = PackagedGemgate.builder(work)
                .jvmOption("-XX:AOTCache=" + cache)
                .jvmOption("-XX:AOTMode=on")
                .jvmOption("-Xlog:class+load=info:file=" + classLoads)
                .startTimeout(Duration.ofSeconds(120));

        Path packagedBinaries = PackagedGemgate.runJar().resolveSibling(GemgateMain.PACKAGED_BINARIES);
        try (PackagedGemgate first = builder.start()) {
            assertThat(first.demoKey()).startsWith("gmg_");
            // the training run unpacked PostgreSQL beside the jar, and this first start used those binaries
            try (var unpacked = Files.list(packagedBinaries)) {
                assertThat(unpacked.filter(dir -> dir.getFileName().toString().startsWith("PG-"))
                        .filter(dir -> Files.exists(dir.resolve(".exists")) && Files.isDirectory(dir.resolve("bin"))))
                        .as("unpacked binaries in %s", packagedBinaries).isNotEmpty();
            }
            assertThat(EmbeddedPostgresServer.binariesDirectoryFor(first.dataDirectory()))
                    .as("nothing unpacked beside the fresh data directory").doesNotExist();
            first.terminate();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        List<String> loads = Files.readAllLines(classLoads);
        assertThat(loads).as("GemgateMain loaded from the AOT cache")
                .anyMatch(line -> line.contains(" dev.gemgate.app.GemgateMain ") && line.contains("shared objects file"));
        assertThat(loads).as("a Quarkus runtime class loaded from the AOT cache")
                .anyMatch(line -> line.contains(" io.quarkus.runtime.Application ") && line.contains("shared objects file"));
        assertThat(loads).as("no HQL on the start-up path: Hibernate's HQL parser (ANTLR) is never started")
                .noneMatch(line -> line.contains(" org.hibernate.grammars.hql.HqlParser "));

        // the restart with tracing on (an OTLP endpoint set; nothing listens there): the training run had it on too,
        // so the OpenTelemetry SDK's span pipeline comes from the cache rather than from the jars
        builder.systemProperty("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9");
        try (PackagedGemgate restarted = builder.start()) {
            assertThat(restarted.output()).contains("demo tenant present");
            restarted.terminate();
            assertThat(restarted.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        List<String> tracedLoads = Files.readAllLines(classLoads);
        assertThat(tracedLoads).as("the span processor of a start with tracing on loaded from the AOT cache")
                .anyMatch(line -> line.contains(" io.opentelemetry.sdk.trace.export.BatchSpanProcessor ")
                        && line.contains("shared objects file"));
        assertThat(tracedLoads).as("no HQL on the restart's path either")
                .noneMatch(line -> line.contains(" org.hibernate.grammars.hql.HqlParser "));
    }
}
