package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reading one body costs in heap, as multiples of the body's size: the bytes the reading thread allocates (tree,
 * domain views, the kept text, and the parser's garbage), and the bytes still held by the request afterwards (measured
 * across full collections). The adapters-web README quotes these figures; the bounds here fail the build if a change
 * makes reading much costlier.
 */
class GeminiJsonMemoryTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final int INLINE_BYTES = 20 * 1024 * 1024; // the default gemgate.generation.max-inline-bytes

    @Test
    void aBodyOfInlineDataCostsAFewTimesItsSize() {
        String image = "A".repeat(GeminiJson.base64Length(INLINE_BYTES));
        byte[] body = bytes("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe this\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + image + "\"}}]}]}");

        Cost cost = read("20 MiB inline image", body);

        assertThat(cost.allocated()).isLessThan(5.5);
        assertThat(cost.held()).isLessThan(2.2); // the image's string and the body's text
    }

    /**
     * One character beyond Latin-1 makes the kept text a two-bytes-per-character string (and the JDK's decoder
     * allocates it twice).
     */
    @Test
    void aBodyOfInlineDataWithNonLatin1TextCostsOneBodyMore() {
        String image = "A".repeat(GeminiJson.base64Length(INLINE_BYTES));
        byte[] body = bytes("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Décris ceci \u2014 描述\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + image + "\"}}]}]}");

        Cost cost = read("same, non-Latin-1 text", body);

        assertThat(cost.allocated()).isLessThan(9.5);
        assertThat(cost.held()).isLessThan(3.3);
    }

    @Test
    void aBodyOfTheMostPartsAllowedCostsItsTreeAndViews() {
        byte[] body = bytes("{\"contents\":[{\"role\":\"user\",\"parts\":["
                + join(GenerationRequest.MAX_PARTS, i -> "{\"text\":\"w" + i % 10 + "\"}") + "]}]}");

        Cost cost = read(GenerationRequest.MAX_PARTS + " tiny text parts", body);

        assertThat(cost.allocated()).isLessThan(25);
        assertThat(cost.held()).isLessThan(20);
    }

    /** Unknown fields are not counted as parts: the densest JSON there is bounds the multiple for any body. */
    @Test
    void theDensestUnknownFieldsCostABoundedMultiple() {
        String contents = "\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]";
        int n = 500_000;
        byte[] emptyLists = bytes("{" + contents + ",\"x\":[" + join(n, i -> "[]") + "]}");
        byte[] oneKeyObjects = bytes("{" + contents + ",\"x\":[" + join(n, i -> "{\"k\":" + i % 10 + "}") + "]}");
        byte[] twoKeyObjects = bytes("{" + contents + ",\"x\":[" + join(n / 2, i -> "{\"a\":" + i % 10 + ",\"b\":0}")
                + "]}");
        byte[] shortStrings = bytes("{" + contents + ",\"x\":[" + join(n, i -> "\"" + (char) ('a' + i % 26) + "\"")
                + "]}");
        byte[] numbers = bytes("{" + contents + ",\"x\":[" + join(n, i -> Integer.toString(1000 + i % 9000)) + "]}");
        byte[] doubles = bytes("{" + contents + ",\"x\":[" + join(n, i -> "0." + i % 10) + "]}");

        List<Cost> costs = List.of(read("[] x " + n, emptyLists), read("{\"k\":d} x " + n, oneKeyObjects),
                read("{\"a\":d,\"b\":0} x " + n / 2, twoKeyObjects),
                read("\"c\" x " + n, shortStrings), read("dddd x " + n, numbers), read("0.d x " + n, doubles));

        assertThat(costs).allSatisfy(cost -> {
            assertThat(cost.allocated()).isLessThan(20);
            assertThat(cost.held()).isLessThan(17);
        });
    }

    /** Multiples of the body's size: allocated while reading it, and held by the request read. */
    record Cost(double allocated, double held) {
    }

    /** Reads the body once to warm up, then measures a second read. */
    private static Cost read(String what, byte[] body) {
        GeminiJson.readGenerationRequest(FLASH, body);
        long heapBefore = heapUsedAfterFullCollection();
        long thread = Thread.currentThread().threadId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        GenerationRequest request = GeminiJson.readGenerationRequest(FLASH, body);
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
        long held = heapUsedAfterFullCollection() - heapBefore;
        assertThat(request.originalJson()).isPresent();
        Reference.reachabilityFence(request);
        Cost cost = new Cost((double) allocated / body.length, (double) held / body.length);
        System.out.printf("GeminiJson memory: %-22s body %,12d bytes: allocated %5.2f x, held %5.2f x the body%n",
                what, body.length, cost.allocated(), cost.held());
        return cost;
    }

    private static long heapUsedAfterFullCollection() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String join(int count, IntFunction<String> element) {
        StringJoiner joiner = new StringJoiner(",");
        for (int i = 0; i < count; i++) {
            joiner.add(element.apply(i));
        }
        return joiner.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
