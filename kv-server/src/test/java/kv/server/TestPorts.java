package kv.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports tests give servers: below Linux's ephemeral range (32768-60999 by default), since a
 * port the kernel hands out for outgoing connections could be taken by one (a client's, a peer
 * link's) before the server binds it (kv-client's DroppedConnectionIT failed so). Consecutive
 * from a random start, so two calls in one JVM never get the same port: a port checked free is
 * not reserved until its server binds it.
 */
public final class TestPorts {
    static final int FIRST = 20_000;
    static final int END = 32_768;
    static final int ATTEMPTS_MAX = 200;
    private static final AtomicInteger NEXT =
            new AtomicInteger(new SplittableRandom(System.nanoTime()).nextInt(END - FIRST));

    private TestPorts() {}

    /** A port free on loopback now, never handed out before in this JVM. */
    public static int free() {
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), END - FIRST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // Taken: try the next.
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + END + " after "
                + ATTEMPTS_MAX + " attempts");
    }
}
