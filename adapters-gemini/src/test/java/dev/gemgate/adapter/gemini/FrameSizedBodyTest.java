package dev.gemgate.adapter.gemini;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameSizedBodyTest {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    @Test
    void aBodyThatFitsInOneFrameIsLeftAsItIs() throws Exception {
        Request small = post(RequestBody.create(new byte[FrameSizedBody.FRAME_BYTES], JSON));
        Request none = new Request.Builder().url("https://example.test/").build();

        assertThat(FrameSizedBody.of(small)).isSameAs(small);
        assertThat(FrameSizedBody.of(none)).isSameAs(none);
    }

    @Test
    void aLargerBodyReachesTheSinkAFrameAtATimeUnchanged() throws Exception {
        byte[] bytes = new byte[5 * FrameSizedBody.FRAME_BYTES + 123];
        new Random(7).nextBytes(bytes);
        Request request = FrameSizedBody.of(post(RequestBody.create(bytes, JSON)));
        RequestBody body = request.body();
        Buffer received = new Buffer();
        List<Long> writes = new ArrayList<>();
        BufferedSink sink = Okio.buffer(new ForwardingSink(received) {
            @Override
            public void write(Buffer source, long byteCount) throws java.io.IOException {
                writes.add(byteCount);
                super.write(source, byteCount);
            }
        });

        body.writeTo(sink);
        sink.flush();

        assertThat(body.contentLength()).isEqualTo(bytes.length);
        assertThat(body.contentType()).isEqualTo(JSON);
        assertThat(received.readByteArray()).isEqualTo(bytes);
        // OkHttp's sink passes on what it is given in whole 8 KiB segments: never more than a frame at once
        assertThat(writes).allMatch(n -> n <= FrameSizedBody.FRAME_BYTES).hasSizeGreaterThan(5);
        assertThat(FrameSizedBody.of(request)).isSameAs(request);
    }

    private static Request post(RequestBody body) {
        return new Request.Builder().url("https://example.test/").post(body).build();
    }
}
