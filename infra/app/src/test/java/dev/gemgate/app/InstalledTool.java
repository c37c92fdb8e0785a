package dev.gemgate.app;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;

/**
 * A command-line tool from Debian's packages that some tests run (prometheus, promtool, yamllint, kubectl). Where it
 * is not installed, as with the README's test command on a fresh machine, the test is skipped; where {@code .ci/run}
 * has installed it and set the test's environment flag to 1, a missing tool fails the test instead.
 */
final class InstalledTool {
    private InstalledTool() {
    }

    /** The tool's path on the PATH (or in /usr/bin, /usr/local/bin), or a skip, or a failure under {@code requiredEnv}=1. */
    static Path require(String name, String debianPackage, String requiredEnv) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String why = name + " is not installed (apt-get install " + debianPackage + "; .ci/run does)";
        if ("1".equals(System.getenv(requiredEnv))) {
            fail(why + " and " + requiredEnv + "=1");
        }
        Assumptions.abort(why);
        return null;
    }
}
