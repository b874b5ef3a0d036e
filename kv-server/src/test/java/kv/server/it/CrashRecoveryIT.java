package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Property: with storage.fsync: always, every write the server acknowledged survives kill -9.
 * A writer issues SET k<i> v<i> and INCR counter one at a time, recording each acknowledgement;
 * the server is killed mid-stream and restarted on the same data dir, three times. After each
 * restart every acknowledged key holds its value (the one write in flight may or may not have
 * happened, and nothing never sent appears), and the counter is at least the last acknowledged
 * INCR reply and at most one more.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(120)
class CrashRecoveryIT {
    private static final int CYCLES = 3;
    private static final Duration WRITE_FOR = Duration.ofSeconds(2);
    /** Bounds the writer even if the kill never comes. */
    private static final Duration WRITER_MAX_TIME = Duration.ofSeconds(20);
    private static final long WRITER_MAX_OPS = 1_000_000;
    private static final String COUNTER = "counter";

    private static ServerProcess server;

    @BeforeAll
    static void start() {
        server = ServerProcess.start(ServerProcess.Options.defaults().name("crash").fsync(true));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** What the writer saw acknowledged; updated only after a reply arrives. */
    static final class Acks {
        /** Highest i whose SET k<i> was acknowledged; all lower ones were too (sequential). */
        final AtomicLong lastSet = new AtomicLong();
        /** The value the last acknowledged INCR returned. */
        final AtomicLong lastIncrReply = new AtomicLong();
        final AtomicLong incrsAcked = new AtomicLong();
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        volatile boolean hitBound;
    }

    @Test
    void acknowledgedWritesSurviveKill9() throws Exception {
        long nextKey = 1;
        long counterFloor = 0; // counter value known to be durable
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long firstKey = nextKey;
            Acks acks = new Acks();
            acks.lastSet.set(firstKey - 1);
            acks.lastIncrReply.set(counterFloor);
            Thread writer = new Thread(() -> write(firstKey, acks), "crash-writer-" + cycle);
            writer.setDaemon(true);
            writer.start();

            // Let it write for a while (bounded), then kill -9 while it is mid-stream.
            writer.join(WRITE_FOR.toMillis());
            assertThat(writer.isAlive()).as("writer still writing when the kill comes (cycle %d); failure: %s",
                    cycle, acks.unexpected.get()).isTrue();
            server.kill9();
            writer.join(Duration.ofSeconds(15).toMillis());
            assertThat(writer.isAlive()).as("writer noticed the kill").isFalse();
            assertThat(acks.hitBound).as("writer stopped by the kill, not by its bound").isFalse();
            assertThat(acks.unexpected.get()).as("writer saw only acks or a dead connection").isNull();
            long lastSet = acks.lastSet.get();
            long setsAcked = lastSet - firstKey + 1;
            assertThat(setsAcked).as("some SETs acknowledged in cycle %d", cycle).isPositive();
            System.out.printf("cycle %d: %d SETs and %d INCRs acknowledged before kill -9%n",
                    cycle, setsAcked, acks.incrsAcked.get());

            server.restart();

            try (Resp conn = server.connect()) {
                // Every acknowledged key of this and all earlier cycles is there with its value.
                verifyKeys(conn, 1, lastSet);
                // The SET in flight may or may not have happened; the one after was never sent.
                Object inFlight = conn.call("GET", key(lastSet + 1));
                assertThat(inFlight == null || Resp.show(inFlight).equals(Resp.show(value(lastSet + 1).getBytes())))
                        .as("in-flight key %s is absent or has its value, got %s", key(lastSet + 1),
                                Resp.show(inFlight))
                        .isTrue();
                assertThat(conn.call("GET", key(lastSet + 2))).as("never-sent key").isNull();

                long acked = acks.lastIncrReply.get();
                Object counterReply = conn.call("GET", COUNTER);
                long counter = counterReply == null ? 0 : Long.parseLong(new String((byte[]) counterReply));
                assertThat(counter).as("counter after restart (last acknowledged INCR returned %d)", acked)
                        .isBetween(acked, acked + 1);
                counterFloor = counter;
                // Continue after the in-flight key, whether or not it landed.
                nextKey = lastSet + 2;
                // Keep the verified range contiguous: rewrite the skipped key so later cycles
                // can check 1..lastSet in one pass.
                assertThat(conn.call("SET", key(lastSet + 1), value(lastSet + 1))).isEqualTo("OK");
            }
        }
        server.assertServing();
    }

    private static void write(long firstKey, Acks acks) {
        long deadline = System.nanoTime() + WRITER_MAX_TIME.toNanos();
        try (Resp conn = server.connect()) {
            conn.setTimeout(Duration.ofSeconds(10));
            for (long i = firstKey, ops = 0; ; i++, ops += 2) {
                if (ops >= WRITER_MAX_OPS || System.nanoTime() > deadline) {
                    acks.hitBound = true;
                    return;
                }
                Object set = conn.call("SET", key(i), value(i));
                if (!"OK".equals(set)) {
                    acks.unexpected.set(new AssertionError("SET " + key(i) + " answered " + Resp.show(set)));
                    return;
                }
                acks.lastSet.set(i);
                Object incr = conn.call("INCR", COUNTER);
                if (!(incr instanceof Long reply)) {
                    acks.unexpected.set(new AssertionError("INCR answered " + Resp.show(incr)));
                    return;
                }
                if (reply != acks.lastIncrReply.get() + 1) {
                    acks.unexpected.set(new AssertionError("INCR answered " + reply + " after "
                            + acks.lastIncrReply.get()));
                    return;
                }
                acks.lastIncrReply.set(reply);
                acks.incrsAcked.incrementAndGet();
            }
        } catch (IOException expected) {
            // The server was killed: the request in flight has no acknowledgement.
        }
    }

    private static void verifyKeys(Resp conn, long from, long to) throws IOException {
        int chunk = 1000;
        for (long start = from; start <= to; start += chunk) {
            long end = Math.min(to, start + chunk - 1);
            List<Object> args = new ArrayList<>();
            args.add("MGET");
            for (long i = start; i <= end; i++) args.add(key(i));
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) conn.call(args.toArray());
            for (long i = start; i <= end; i++) {
                Object got = values.get((int) (i - start));
                assertThat(got).as("acknowledged key %s after kill -9", key(i)).isNotNull();
                assertThat(new String((byte[]) got)).as("value of %s", key(i)).isEqualTo(value(i));
            }
        }
    }

    private static String key(long i) {
        return "k" + i;
    }

    private static String value(long i) {
        return "v" + i;
    }
}
