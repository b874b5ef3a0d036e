package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Property: no input a client can send makes a real kv-server die, run out of memory or stop
 * serving other clients. Malformed framing gets "-ERR Protocol error" and that connection is
 * closed; a request over a limit gets -LIMIT, writes nothing, and the connection stays usable;
 * unknown commands, wrong arity and bad integers get the Redis errors; trickled bytes and
 * pipelined floods get exactly the right replies; a client that does not read its replies is
 * throttled instead of buffered without bound; connections beyond client.connections-max are
 * refused with an error. After every test the server still answers PING.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(120)
class BadInputIT {
    private static final String PROTOCOL_ERROR = "ERR Protocol error";
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);

    private static ServerProcess server;

    @BeforeAll
    static void start() {
        server = ServerProcess.start(ServerProcess.Options.defaults().name("bad-input"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @AfterEach
    void stillServing() throws IOException {
        server.assertServing();
    }

    private static void assertError(Object reply, String prefix) {
        assertThat(reply).as("reply").isInstanceOf(Resp.Err.class);
        assertThat(((Resp.Err) reply).message()).as("error text").startsWith(prefix);
    }

    @Test
    void malformedRespGetsProtocolErrorAndCloseWhileOthersAreServed() throws IOException {
        try (Resp bystander = server.connect(); Resp bad = server.connect()) {
            assertThat(bystander.call("SET", "bystander", "1")).isEqualTo("OK");
            bad.sendRaw("*1\r\n$abc\r\n");
            assertError(bad.read(), PROTOCOL_ERROR);
            assertThat(bad.closedByServerWithin(CLOSE_DEADLINE)).as("connection closed").isTrue();
            assertThat(bystander.call("PING")).isEqualTo("PONG");
            assertThat(Resp.show(bystander.call("GET", "bystander"))).isEqualTo("\"1\"");
        }
    }

    @Test
    void otherFramingErrorsCloseTheConnection() throws IOException {
        // A bulk string where '*' was expected, a '*' inside an array, and garbage type bytes.
        for (String frame : List.of("$3\r\nGET\r\n", "*2\r\n*1\r\n", "*1\r\n:5\r\n")) {
            try (Resp bad = server.connect()) {
                bad.sendRaw(frame);
                assertError(bad.read(), PROTOCOL_ERROR);
                assertThat(bad.closedByServerWithin(CLOSE_DEADLINE)).as("closed after %s", frame.trim())
                        .isTrue();
            }
        }
    }

    @Test
    void oddButValidFramesAreServed() throws IOException {
        try (Resp conn = server.connect()) {
            // Empty and null arrays are ignored, as Redis does; empty strings are valid arguments.
            conn.sendRaw("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
            assertThat(conn.read()).isEqualTo("PONG");
            assertThat(conn.call("SET", "", "")).isEqualTo("OK");
            assertThat(Resp.show(conn.call("GET", ""))).isEqualTo("\"\"");
            assertThat(conn.call("DEL", "")).isEqualTo(1L);
            // Lower and mixed case command names.
            assertThat(conn.call("pInG")).isEqualTo("PONG");
            // Inline with unbalanced quotes is a protocol error that closes the connection.
            conn.sendRaw("SET \"unbalanced v\r\n");
            assertError(conn.read(), PROTOCOL_ERROR);
            assertThat(conn.closedByServerWithin(CLOSE_DEADLINE)).isTrue();
        }
        try (Resp conn = server.connect()) {
            // A negative bulk length inside an array is a framing error.
            conn.sendRaw("*2\r\n$3\r\nGET\r\n$-5\r\n");
            assertError(conn.read(), PROTOCOL_ERROR);
            assertThat(conn.closedByServerWithin(CLOSE_DEADLINE)).isTrue();
        }
    }

    @Test
    void unknownCommand() throws IOException {
        try (Resp conn = server.connect()) {
            assertError(conn.call("NOSUCHCMD", "a", "b"), "ERR unknown command 'NOSUCHCMD'");
            assertError(conn.call("GETT", "k"), "ERR unknown command");
            assertThat(conn.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void wrongArity() throws IOException {
        try (Resp conn = server.connect()) {
            assertThat(conn.call("GET")).isEqualTo(new Resp.Err("ERR wrong number of arguments for 'get' command"));
            assertThat(conn.call("SET", "k")).isEqualTo(new Resp.Err("ERR wrong number of arguments for 'set' command"));
            assertError(conn.call("MSET", "a", "1", "b"), "ERR wrong number of arguments");
            assertError(conn.call("HSET", "h", "f"), "ERR wrong number of arguments");
            assertThat(conn.call("EXISTS", "a", "b")).isEqualTo(0L);
            assertThat(conn.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void incrOnNonInteger() throws IOException {
        try (Resp conn = server.connect()) {
            assertThat(conn.call("SET", "notint", "12abc")).isEqualTo("OK");
            assertError(conn.call("INCR", "notint"), "ERR value is not an integer");
            assertError(conn.call("INCRBY", "counter", "x"), "ERR value is not an integer");
            assertThat(Resp.show(conn.call("GET", "notint"))).isEqualTo("\"12abc\"");
            assertThat(conn.call("EXISTS", "counter")).isEqualTo(0L);
        }
    }

    @Test
    void keyOverTheLimitIsRefused() throws IOException {
        byte[] key = new byte[2000];
        Arrays.fill(key, (byte) 'k');
        try (Resp conn = server.connect()) {
            assertError(conn.call("SET", key, "v"), "LIMIT");
            assertError(conn.call("GET", key), "LIMIT");
            assertError(conn.call("MSET", "ok", "1", key, "2"), "LIMIT");
            assertThat(conn.call("EXISTS", "ok")).as("a refused MSET writes nothing").isEqualTo(0L);
            assertThat(conn.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void valueOverTheLimitIsRefusedAndConnectionStaysUsable() throws IOException {
        byte[] value = new byte[2 << 20];
        Arrays.fill(value, (byte) 'v');
        try (Resp conn = server.connect()) {
            assertError(conn.call("SET", "bigvalue", value), "LIMIT");
            assertThat(conn.call("PING")).isEqualTo("PONG");
            assertThat(conn.call("GET", "bigvalue")).as("nothing was written").isNull();
            assertError(conn.call("HSET", "bighash", "f", value), "LIMIT");
            assertThat(conn.call("EXISTS", "bighash")).isEqualTo(0L);
            // Exactly at the limit is fine.
            byte[] atLimit = Arrays.copyOf(value, 1 << 20);
            assertThat(conn.call("SET", "bigvalue", atLimit)).isEqualTo("OK");
            assertThat(conn.call("STRLEN", "bigvalue")).isEqualTo((long) (1 << 20));
            assertThat(conn.call("DEL", "bigvalue")).isEqualTo(1L);
        }
    }

    @Test
    void hugeArrayHeaderGetsErrorAndClose() throws IOException {
        try (Resp conn = server.connect()) {
            conn.sendRaw("*99999999\r\n");
            assertError(conn.read(), PROTOCOL_ERROR);
            assertThat(conn.closedByServerWithin(CLOSE_DEADLINE)).as("connection closed").isTrue();
        }
    }

    @Test
    void hugeBulkHeaderInsideArrayGetsError() throws IOException {
        try (Resp conn = server.connect()) {
            conn.sendRaw("*2\r\n$3\r\nGET\r\n$2000000000\r\n");
            Object reply = conn.read();
            assertThat(reply).isInstanceOf(Resp.Err.class);
            String message = ((Resp.Err) reply).message();
            assertThat(message).matches(m -> m.startsWith(PROTOCOL_ERROR) || m.startsWith("LIMIT"),
                    "a protocol error or a LIMIT error");
        }
    }

    @Test
    void tricklingOneByteAtATimeGetsTheRightReply() throws Exception {
        byte[] set = Resp.encode("SET", "trickle", "hello world");
        byte[] get = Resp.encode("GET", "trickle");
        try (Resp conn = server.connect()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (byte[] command : List.of(set, get)) {
                for (byte b : command) {
                    conn.sendRaw(new byte[] {b});
                    Thread.sleep(3); // pacing, not polling: about 0.3 s in all
                    assertThat(System.nanoTime()).as("trickle within its time bound").isLessThan(deadline);
                }
            }
            assertThat(conn.read()).isEqualTo("OK");
            assertThat(Resp.show(conn.read())).isEqualTo("\"hello world\"");
            // An inline command, trickled too.
            for (byte b : "PING\r\n".getBytes(StandardCharsets.US_ASCII)) {
                conn.sendRaw(new byte[] {b});
                Thread.sleep(3);
            }
            assertThat(conn.read()).isEqualTo("PONG");
        }
    }

    @Test
    void pipelinedFloodOf100kPings() throws Exception {
        int n = 100_000;
        byte[] one = Resp.encode("PING");
        byte[] all = new byte[one.length * n];
        for (int i = 0; i < n; i++) System.arraycopy(one, 0, all, i * one.length, one.length);
        try (Resp conn = server.connect()) {
            conn.setTimeout(Duration.ofSeconds(30));
            // Written at once from another thread, so a full socket buffer cannot deadlock us.
            Background writer = background("ping-flood-writer", () -> conn.sendRaw(all));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < n; i++) {
                Object reply = conn.read();
                if (!"PONG".equals(reply)) {
                    throw new AssertionError("reply " + i + " was " + Resp.show(reply));
                }
                if ((i & 1023) == 0) {
                    assertThat(System.nanoTime()).as("flood answered in time").isLessThan(deadline);
                }
            }
            joinBounded(writer, Duration.ofSeconds(10));
            assertThat(conn.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void clientThatDoesNotReadIsThrottledNotBuffered() throws Exception {
        int n = 50_000;
        int valueSize = 100 * 1024;
        byte[] value = new byte[valueSize];
        for (int i = 0; i < valueSize; i++) value[i] = (byte) ('a' + i % 26);
        try (Resp setup = server.connect()) {
            assertThat(setup.call("SET", "slow:big", value)).isEqualTo("OK");
        }
        // 50,000 x 100 KB = about 5 GB of replies, far more than the server's 256 MB heap: it
        // must stop reading this client's requests instead of queueing the replies.
        byte[] oneGet = Resp.encode("GET", "slow:big");
        byte[] gets = new byte[oneGet.length * n];
        for (int i = 0; i < n; i++) System.arraycopy(oneGet, 0, gets, i * oneGet.length, oneGet.length);
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(64 * 1024);
            slow.connect(new InetSocketAddress(ServerProcess.HOST, server.port()), 10_000);
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            Background writer = background("slow-reader-writer", () -> {
                out.write(gets);
                out.flush();
            });

            // While this client reads nothing, the server stays alive and serves others.
            long pauseEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            int othersServed = 0;
            try (Resp other = server.connect()) {
                other.setTimeout(Duration.ofSeconds(5));
                while (System.nanoTime() < pauseEnd && othersServed < 10_000) {
                    assertThat(other.call("SET", "slow:other", Integer.toString(othersServed))).isEqualTo("OK");
                    assertThat(other.call("PING")).isEqualTo("PONG");
                    othersServed++;
                }
            }
            assertThat(othersServed).as("other clients served while one does not read").isPositive();
            assertThat(server.isAlive()).as("server alive while a client does not read").isTrue();

            // Now read everything, bounded in time.
            InputStream in = new BufferedInputStream(slow.getInputStream(), 256 * 1024);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            for (int i = 0; i < n; i++) {
                int length = readBulkHeader(in);
                assertThat(length).as("reply %d length", i).isEqualTo(valueSize);
                skipFully(in, length + 2);
                if ((i & 255) == 0) {
                    assertThat(System.nanoTime()).as("all replies read within the bound (at %d)", i)
                            .isLessThan(deadline);
                    assertThat(server.isAlive()).as("server alive at reply %d", i).isTrue();
                }
            }
            joinBounded(writer, Duration.ofSeconds(10));
        }
        try (Resp conn = server.connect()) {
            assertThat(conn.call("DEL", "slow:big", "slow:other")).isEqualTo(2L);
        }
    }

    @Test
    void connectionsBeyondTheMaximumAreRefused() throws Exception {
        int max = 8;
        try (ServerProcess limited = ServerProcess.start(
                ServerProcess.Options.defaults().name("conn-max").connectionsMax(max))) {
            List<Resp> open = new ArrayList<>();
            try {
                // The readiness probe's closed connection may still be counted for a moment.
                open.add(limited.connect());
                awaitConnectedClients(open.get(0), 1);
                for (int i = 1; i < max; i++) {
                    Resp conn = limited.connect();
                    open.add(conn);
                    assertThat(conn.call("PING")).as("connection %d of %d accepted", i + 1, max)
                            .isEqualTo("PONG");
                }
                for (int extra = 0; extra < 3; extra++) {
                    try (Resp refused = limited.connect()) {
                        Object reply = refused.read();
                        assertError(reply, "ERR max number of clients reached");
                        assertThat(refused.closedByServerWithin(CLOSE_DEADLINE)).as("refused connection closed")
                                .isTrue();
                    }
                }
                // The accepted ones are still served.
                for (Resp conn : open) assertThat(conn.call("PING")).isEqualTo("PONG");
                // Closing one frees a slot (the server notices the close asynchronously).
                open.remove(open.size() - 1).close();
                awaitConnectedClients(open.get(0), max - 1);
                try (Resp again = limited.connect()) {
                    assertThat(again.call("PING")).isEqualTo("PONG");
                }
            } finally {
                for (Resp conn : open) conn.close();
            }
            awaitAccepted(limited);
        }
    }

    /** Polls with fresh connections until one is accepted (closed ones are released asynchronously). */
    private static void awaitAccepted(ServerProcess target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try (Resp probe = target.connect()) {
                last = probe.call("PING");
                if ("PONG".equals(last)) return;
            }
            Thread.sleep(10); // poll interval, bounded by the deadline
        }
        throw new AssertionError("no connection accepted within 10 s; last reply " + Resp.show(last));
    }

    /** Polls INFO clients on {@code conn} until the server counts {@code expected} clients. */
    private static void awaitConnectedClients(Resp conn, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = connectedClients(conn);
            if (last == expected) return;
            Thread.sleep(10); // poll interval, bounded by the deadline
        }
        throw new AssertionError("connected_clients stayed " + last + ", expected " + expected);
    }

    private static int connectedClients(Resp conn) throws IOException {
        Object info = conn.call("INFO", "clients");
        String text = new String((byte[]) info, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher(text);
        assertThat(m.find()).as("INFO clients has connected_clients: %s", text).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int readBulkHeader(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) throw new EOFException("connection closed");
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) throw new EOFException("connection closed mid-header");
            line.append((char) c);
        }
        if (in.read() != '\n') throw new IOException("CR without LF");
        if (type != '$') throw new AssertionError("expected a bulk reply, got " + (char) type + line);
        return Integer.parseInt(line.toString());
    }

    private static void skipFully(InputStream in, long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) throw new EOFException("connection closed mid-bulk");
                skipped = 1;
            }
            left -= skipped;
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    /** A helper thread and whatever it threw. */
    record Background(Thread thread, AtomicReference<Throwable> failure) {}

    private static Background background(String name, IoAction action) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return new Background(thread, failure);
    }

    private static void joinBounded(Background background, Duration timeout) throws InterruptedException {
        background.thread().join(timeout.toMillis());
        assertThat(background.thread().isAlive()).as("%s finished in time", background.thread().getName())
                .isFalse();
        assertThat(background.failure().get()).as("%s failure", background.thread().getName()).isNull();
    }
}
