package dev.gemgate.adapter.gemini;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;

import java.io.IOException;

/**
 * A request body handed to OkHttp at most one HTTP/2 DATA frame at a time.
 *
 * <p>Why: OkHttp 4 writes what a body gives it in one go, as many DATA frames as the flow-control window allows, and
 * looks at the stream only before that batch, not between its frames. A call cancelled while its thread is blocked in
 * the socket (a slow uplink, a stalled peer) would then send the rest of its body after its own RST_STREAM: up to the
 * window, which Google makes large. Its deadline waits for all of it, and a strict server answers every frame on the
 * reset stream with a reset of its own (Netty closes the connection after 200, a guard against "MadeYouReset" floods),
 * taking the other calls on the connection with it. Handed one frame at a time, OkHttp checks the stream before each
 * frame and stops within one frame of the cancel.
 */
final class FrameSizedBody extends RequestBody {
    /** OkHttp's DATA frame size: HTTP/2's default (and minimum) maximum frame size. */
    static final int FRAME_BYTES = 16 * 1024;

    private final RequestBody body;

    private FrameSizedBody(RequestBody body) {
        this.body = body;
    }

    /** {@code request} with its body cut into frames, or as it is when its body fits in one frame. */
    static Request of(Request request) throws IOException {
        RequestBody body = request.body();
        if (body == null || body instanceof FrameSizedBody || body.isDuplex()) {
            return request;
        }
        long length = body.contentLength();
        if (length >= 0 && length <= FRAME_BYTES) {
            return request;
        }
        return request.newBuilder().method(request.method(), new FrameSizedBody(body)).build();
    }

    @Override
    public MediaType contentType() {
        return body.contentType();
    }

    @Override
    public long contentLength() throws IOException {
        return body.contentLength();
    }

    @Override
    public boolean isOneShot() {
        return body.isOneShot();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        BufferedSink frames = Okio.buffer(new ForwardingSink(sink) {
            @Override
            public void write(Buffer source, long byteCount) throws IOException {
                for (long left = byteCount; left > 0; ) {
                    long frame = Math.min(left, FRAME_BYTES);
                    sink.write(source, frame);
                    left -= frame;
                }
            }

            @Override
            public void close() {
                // the caller closes the request's sink once the body is written
            }
        });
        body.writeTo(frames);
        frames.emit();
    }
}
