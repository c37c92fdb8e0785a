package dev.gemgate.app;

import dev.gemgate.adapter.persistence.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Where {@link GemgateMain} has the embedded PostgreSQL's binaries unpacked ({@link GemgateMain#binariesDirectory}). */
class GemgateMainBinariesTest {
    @TempDir
    Path temp;

    @Test
    void thePackagedAppKeepsThemBesideItsJarSoThatEveryDataDirectoryShares() throws IOException {
        Path app = Files.createDirectories(temp.resolve("quarkus-app"));
        Path data = temp.resolve("work/.gemgate/postgres");

        Path chosen = GemgateMain.binariesDirectory(null, app.resolve("quarkus-run.jar").toString(), data);

        assertThat(chosen).isEqualTo(app.resolve(GemgateMain.PACKAGED_BINARIES));
        assertThat(GemgateMain.binariesDirectory(null, app.resolve("quarkus-run.jar").toString(),
                temp.resolve("elsewhere/postgres"))).isEqualTo(chosen);
    }

    @Test
    void theSettingWins() throws IOException {
        Path app = Files.createDirectories(temp.resolve("quarkus-app"));
        Path configured = temp.resolve("shared-binaries");

        assertThat(GemgateMain.binariesDirectory(configured.toString(), app.resolve("quarkus-run.jar").toString(),
                temp.resolve("postgres"))).isEqualTo(configured.toAbsolutePath());
    }

    @Test
    void anythingButThePackagedJarKeepsThemBesideTheDataDirectory() throws IOException {
        Path app = Files.createDirectories(temp.resolve("quarkus-app"));
        Path data = temp.resolve("work/.gemgate/postgres");
        Path besideData = EmbeddedPostgresServer.binariesDirectoryFor(data);

        // an IDE or test run: a class path of many entries
        assertThat(GemgateMain.binariesDirectory(null,
                app.resolve("quarkus-run.jar") + File.pathSeparator + temp.resolve("classes"), data))
                .isEqualTo(besideData);
        // some other jar
        assertThat(GemgateMain.binariesDirectory(null, app.resolve("other.jar").toString(), data))
                .isEqualTo(besideData);
        // a packaged app in a directory that does not exist (cannot be written) and holds no binaries
        assertThat(GemgateMain.binariesDirectory(null, temp.resolve("gone/quarkus-run.jar").toString(), data))
                .isEqualTo(besideData);
        assertThat(GemgateMain.binariesDirectory(null, null, data)).isEqualTo(besideData);
        assertThat(GemgateMain.binariesDirectory(null, " ", data)).isEqualTo(besideData);
    }
}
