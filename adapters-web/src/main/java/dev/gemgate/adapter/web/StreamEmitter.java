package dev.gemgate.adapter.web;

/**
 * The HTTP side of one streamed response, for a surface's writer: an item is emitted only while the response can take
 * it; otherwise the producing (virtual) thread waits, so a client that reads slowly holds back its stream instead of
 * growing a buffer. Two kinds: the REST layer's ({@link MultiStreamEmitter}, a Mutiny emitter that the framework asks
 * for items) and a route's ({@link ResponseStreamEmitter}, straight onto the Vert.x response).
 */
public abstract class StreamEmitter {
    StreamEmitter() {
    }

    /** Emits once the response wants an item; false when the client has gone away. */
    public abstract boolean emit(byte[] item);

    /**
     * Whether {@link #emit} never holds the calling thread, so that it may be called on the event loop that reads the
     * upstream; the caller then asks {@link #holdUntilReady} after each item, instead of waiting in {@link #emit}.
     */
    public boolean nonBlocking() {
        return false;
    }

    /**
     * For a {@link #nonBlocking} emitter: true if the response cannot take another item yet; it then runs
     * {@code ready} once it can. False: it can take more now, and {@code ready} is not run.
     */
    public boolean holdUntilReady(Runnable ready) {
        return false;
    }

    /** Ends the response normally. */
    public abstract void complete();

    /** {@code a}, {@code b} and {@code c} in one array: one item, one write. */
    public static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
