package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.UploadFileConfig;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URL;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 200 MB upload through Gemgate with the google-genai SDK, measured: the test JVM runs the gateway, the emulator
 * (which streams uploads to disk) and the SDK (which reads the file 8 MiB at a time from a stream that generates it),
 * and a sampler collects garbage every 200 ms and notes the heap in use. A gateway that held the file (or a large
 * part of it) would show it in those samples; one that streams holds a piece (8 MiB) per chunk in flight.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class LargeFileUploadTest {
    static final long SIZE = 200L * 1000 * 1000;
    static final long MIB = 1024 * 1024;

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    /** Deterministic bytes, produced as they are read (the test does not hold them either). */
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
    void twoHundredMegabytesGoThroughTheGatewayWithTheHeapStayingFlat() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("large-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "large")).secret().reveal();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicLong samples = new AtomicLong();
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (uploading.get()) {
                System.gc();
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        File file;
        long started = System.nanoTime();
        try (Client sdk = Client.builder().apiKey(key).httpOptions(HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build()) {
            file = sdk.files.upload(new Generated(SIZE), SIZE, UploadFileConfig.builder().mimeType("video/mp4")
                    .build());
        } finally {
            uploading.set(false);
            sampler.join();
        }
        long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);

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

        long grown = (peak.get() - baseline) / MIB;
        System.out.println("LargeFileUploadTest: " + SIZE / 1_000_000 + " MB through the gateway in about " + seconds
                + " s; heap after GC: baseline " + baseline / MIB + " MiB, largest " + peak.get() / MIB + " MiB (+"
                + grown + " MiB) over " + samples.get() + " samples");
        assertThat(samples.get()).as("the upload was sampled while it ran").isGreaterThanOrEqualTo(3);
        // the SDK's 8 MiB chunk, the gateway's 8 MiB piece and transport buffers; a buffered file would add 200 MB
        assertThat(grown).isLessThan(64);
    }
}
