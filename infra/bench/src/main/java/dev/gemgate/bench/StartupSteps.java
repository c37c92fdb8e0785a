package dev.gemgate.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a Gemgate start went, read from its log when it ran with {@code -Dquarkus.debug.print-startup-times=true}
 * (run.sh sets it): Quarkus then logs each recorded step of its static and runtime initialisation as
 * {@code Build step <Processor.method> completed in: <n>ms}, and at the end {@code started in <s>s}. The steps of the
 * static initialisation run on their own thread while the embedded PostgreSQL starts (GemgateMain), so their sum is
 * not a wall time; the list says which steps a shorter start would have to cut.
 */
final class StartupSteps {
    private static final Pattern STEP = Pattern.compile("Build step (\\S+) completed in: (\\d+)ms");
    private static final Pattern STARTED = Pattern.compile("started in (\\d+(?:\\.\\d+)?)s");

    record Step(String name, long millis) {
    }

    /** The steps in the order they were logged, and Quarkus's own "started in" (empty if not logged). */
    record Report(List<Step> steps, OptionalLong quarkusStartedMillis) {
        /** The steps' sum: not a wall time, since the static-init steps overlap PostgreSQL's start. */
        long totalMillis() {
            return steps.stream().mapToLong(Step::millis).sum();
        }

        /** The {@code n} longest steps, longest first (ties in log order). */
        List<Step> longest(int n) {
            return steps.stream().sorted(Comparator.comparingLong(Step::millis).reversed()).limit(n).toList();
        }
    }

    private StartupSteps() {
    }

    static Report parse(List<String> logLines) {
        List<Step> steps = new ArrayList<>();
        OptionalLong started = OptionalLong.empty();
        for (String line : logLines) {
            Matcher step = STEP.matcher(line);
            if (step.find()) {
                steps.add(new Step(step.group(1), Long.parseLong(step.group(2))));
                continue;
            }
            Matcher done = STARTED.matcher(line);
            if (done.find() && started.isEmpty()) {
                started = OptionalLong.of(Math.round(Double.parseDouble(done.group(1)) * 1000));
            }
        }
        return new Report(List.copyOf(steps), started);
    }

    /** The report's lines: Quarkus's figure, then the {@code n} longest steps. */
    static List<String> describe(Report report, int n) {
        List<String> lines = new ArrayList<>();
        if (report.steps().isEmpty()) {
            lines.add("no step timings in the log (Gemgate was started without -Dquarkus.debug.print-startup-times=true)");
            return lines;
        }
        lines.add(String.format(Locale.ROOT, "Quarkus's own figure: started in %s; %d recorded steps, %d ms in all "
                        + "(static-init steps overlap the embedded PostgreSQL's start); the longest:",
                report.quarkusStartedMillis().isPresent() ? report.quarkusStartedMillis().getAsLong() + " ms" : "(not logged)",
                report.steps().size(), report.totalMillis()));
        for (Step step : report.longest(n)) {
            lines.add(String.format(Locale.ROOT, "%6d ms  %s", step.millis(), step.name()));
        }
        return lines;
    }
}
