package dev.gemgate.emulator;

import com.google.genai.Client;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.UploadFileConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 200 MB upload through the google-genai client into an emulator whose JVM has a 64 MiB heap: it only passes if the
 * emulator streams the bytes to disk (a buffered upload would need more than three times that heap). The emulator's
 * GC log gives the largest heap it used.
 */
class LargeUploadTest {

    static final long SIZE = 200L * 1000 * 1000;

    /** Deterministic bytes, produced as they are read (the test JVM does not hold them either). */
    static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ * 131 % 251) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (position++ * 131 % 251);
            }
            return n;
        }
    }

    @Test
    void twoHundredMegabytesStreamThroughAnEmulatorWithA64MibHeap(@TempDir Path dir) throws Exception {
        Path gcLog = dir.resolve("gc.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx64m", "-Xlog:gc:file=" + gcLog, "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(), "--port", "0")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).startsWith("Gemini emulator listening on ");
            String baseUrl = line.substring("Gemini emulator listening on ".length()).split(" ")[0];

            Client sdk = Client.builder().apiKey("big").httpOptions(HttpOptions.builder().baseUrl(baseUrl)
                    .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
            File file = sdk.files.upload(new Generated(SIZE), SIZE, UploadFileConfig.builder()
                    .mimeType("video/mp4").build());

            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new Generated(SIZE)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            assertThat(file.sizeBytes()).contains(SIZE);
            assertThat(file.sha256Hash()).contains(Base64.getEncoder().encodeToString(digest.digest()));
            assertThat(file.mimeType()).contains("video/mp4");
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        List<Long> heapAfterGc = new ArrayList<>();
        Matcher m = Pattern.compile("->(\\d+)M\\(").matcher(Files.readString(gcLog));
        while (m.find()) {
            heapAfterGc.add(Long.parseLong(m.group(1)));
        }
        long largest = heapAfterGc.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.println("LargeUploadTest: emulator heap after GC, largest " + largest + " MiB over "
                + heapAfterGc.size() + " collections (max heap 64 MiB, upload " + SIZE / 1_000_000 + " MB)");
        assertThat(largest).isLessThan(32);
    }
}
