package dev.gemgate.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StartupStepsTest {

    /** Lines as Quarkus 3.33 logs them with -Dquarkus.debug.print-startup-times=true, among Gemgate's own. */
    private static final List<String> LOG = List.of(
            "2026-12-02 13:35:20,665 Build step MutinyProcessor.buildTimeInit completed in: 4ms",
            "2026-12-02 13:35:21,537 Build step ArcProcessor.notifyBeanContainerListeners completed in: 534ms",
            "13:35:21.224 INFO  [de.ge.ad.pe.EmbeddedPostgresServer] (main) req= tenant= embedded PostgreSQL on port 33313",
            "2026-12-02 13:35:22,293 Build step SmallRyeOpenApiProcessor.prepareDocuments completed in: 317ms",
            "2026-12-02 13:35:22,629 Build step FlywayProcessor.startActions completed in: 336ms",
            "2026-12-02 13:35:23,492 Build step LifecycleEventsBuildStep.startupEvent completed in: 554ms",
            "13:35:23.516 INFO  [io.quarkus] (main) req= tenant= gemgate 0.1.0-SNAPSHOT on JVM (powered by Quarkus 3.33.2) "
                    + "started in 3.369s. Listening on: http://127.0.0.1:18080",
            "13:36:00.000 INFO  [io.quarkus] (Shutdown thread) req= tenant= gemgate stopped in 0.161s");

    @Test
    void readsEveryStepTheirSumAndQuarkusOwnFigure() {
        StartupSteps.Report report = StartupSteps.parse(LOG);

        assertThat(report.steps()).hasSize(5);
        assertThat(report.totalMillis()).isEqualTo(4 + 534 + 317 + 336 + 554);
        assertThat(report.quarkusStartedMillis()).hasValue(3369);
        assertThat(report.longest(3)).extracting(StartupSteps.Step::name).containsExactly(
                "LifecycleEventsBuildStep.startupEvent", "ArcProcessor.notifyBeanContainerListeners",
                "FlywayProcessor.startActions");
    }

    @Test
    void describesTheLongestStepsAfterQuarkusFigure() {
        List<String> lines = StartupSteps.describe(StartupSteps.parse(LOG), 2);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("started in 3369 ms", "5 recorded steps", "1745 ms in all");
        assertThat(lines.get(1)).isEqualTo("   554 ms  LifecycleEventsBuildStep.startupEvent");
        assertThat(lines.get(2)).isEqualTo("   534 ms  ArcProcessor.notifyBeanContainerListeners");
    }

    @Test
    void saysSoWhenTheStartRanWithoutStepTimings() {
        StartupSteps.Report report = StartupSteps.parse(List.of(
                "13:35:23.516 INFO  [io.quarkus] (main) gemgate started in 3.369s."));

        assertThat(report.steps()).isEmpty();
        assertThat(StartupSteps.describe(report, 8)).singleElement().asString()
                .contains("print-startup-times");
    }
}
