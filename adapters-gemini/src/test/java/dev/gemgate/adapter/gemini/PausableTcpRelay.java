package dev.gemgate.adapter.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to a local port whose client-to-server direction can be stopped: the client's writes then fill the TCP
 * buffers (the relay's receive buffer is small and fixed) and block in the socket, as a client's do behind a slow or
 * stalled uplink. A server asked to stop reading its own socket cannot do this reliably (Netty's TLS handler reads on
 * to complete a record).
 */
final class PausableTcpRelay implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean paused;

    PausableTcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket();
        listener.setReceiveBufferSize(RECEIVE_BUFFER); // accepted sockets inherit it, with no autotuning
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Stops reading what clients send (after the chunk being relayed). */
    void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket("127.0.0.1", targetPort);
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> relay(client, server, true));
                Thread.ofVirtual().start(() -> relay(server, client, false));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, boolean pausable) {
        byte[] chunk = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                if (pausable) {
                    awaitNotPaused();
                }
                int n = in.read(chunk);
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                out.write(chunk, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitNotPaused() throws InterruptedException {
        synchronized (gate) {
            while (paused) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing both ends is all that is left to do
        }
    }
}
