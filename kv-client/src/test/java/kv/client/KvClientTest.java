package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Client behaviour against a scripted fake server: pipelining, bounds, errors, retries. */
class KvClientTest {
    private static KvClient.Builder builder(FakeServer server) {
        return KvClient.builder().seed("127.0.0.1", server.port()).ioThreads(2)
                .connectTimeout(Duration.ofSeconds(5)).refreshInterval(Duration.ofMillis(100));
    }

    private static String bulk(String text) {
        return "$" + text.length() + "\r\n" + text + "\r\n";
    }

    @Test
    void pipelinedRepliesMatchRequestsInOrderAcrossThreads() throws Exception {
        // Property: many in-flight commands per connection, each future gets its own reply.
        try (FakeServer server = new FakeServer(command -> bulk(command.get(1)));
             KvClient client = builder(server).inFlightCountMax(64).build()) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    List<CompletableFuture<String>> futures = new ArrayList<>();
                    for (int i = 0; i < 500; i++) futures.add(client.get("k" + thread + "-" + i));
                    for (int i = 0; i < 500; i++) {
                        assertThat(futures.get(i).join()).isEqualTo("k" + thread + "-" + i);
                    }
                    return futures.size();
                }));
            }
            for (Future<Integer> result : results) assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(500);
            threads.shutdown();
        }
    }

    @Test
    void failFastWhenInFlightCountIsReached() throws Exception {
        // Property: the in-flight count bound holds; FAIL_FAST rejects at once, nothing sent.
        try (FakeServer server = new FakeServer(command -> null);
             KvClient client = builder(server).inFlightCountMax(4).whenFull(WhenFull.FAIL_FAST)
                     .requestTimeout(Duration.ofSeconds(5)).build()) {
            for (int i = 0; i < 4; i++) client.get("k" + i);
            assertThatThrownBy(() -> client.get("k5").join())
                    .hasCauseInstanceOf(PipelineFullException.class);
            pollUntil(() -> server.received.size() == 4);
            assertThat(server.received).hasSize(4);
        }
    }

    @Test
    void failFastWhenInFlightBytesAreReached() throws Exception {
        // Property: the in-flight bytes bound holds.
        String value = "x".repeat(9 << 20);
        try (FakeServer server = new FakeServer(command -> null);
             KvClient client = builder(server).inFlightBytesMax(16 << 20).whenFull(WhenFull.FAIL_FAST).build()) {
            client.set("a", value);
            assertThatThrownBy(() -> client.set("b", value).join())
                    .hasCauseInstanceOf(PipelineFullException.class);
        }
    }

    @Test
    void waitWhenFullProceedsOnceAReplyFreesRoom() throws Exception {
        // Property: WAIT blocks the caller until room frees, then the call succeeds.
        try (FakeServer server = new FakeServer(command -> {
                sleep(200);
                return bulk("v");
            });
             KvClient client = builder(server).inFlightCountMax(1).build()) {
            long start = System.nanoTime();
            CompletableFuture<String> first = client.get("a");
            CompletableFuture<String> second = client.get("b"); // waits here for room
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMillis).isGreaterThanOrEqualTo(150);
            assertThat(first.join()).isEqualTo("v");
            assertThat(second.join()).isEqualTo("v");
        }
    }

    @Test
    void errorRepliesMapToTypedExceptionsAndOnlyFailTheirRequest() throws Exception {
        try (FakeServer server = new FakeServer(command -> switch (command.get(1)) {
                case "wrongtype" -> "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
                case "down" -> "-CLUSTERDOWN no quorum\r\n";
                case "busy" -> "-BUSY queue full\r\n";
                case "limit" -> "-LIMIT key size 2000 bytes exceeds max 1024 bytes\r\n";
                case "int" -> ":7\r\n";
                default -> bulk("ok");
            });
             KvClient client = builder(server).retryPolicy(RetryPolicy.none()).build()) {
            BlockingKvClient sync = client.blocking();
            CompletableFuture<String> before = client.get("a");
            CompletableFuture<String> failing = client.get("wrongtype");
            CompletableFuture<String> after = client.get("b");
            assertThat(before.join()).isEqualTo("ok");
            assertThatThrownBy(failing::join).hasCauseInstanceOf(WrongTypeException.class);
            assertThat(after.join()).isEqualTo("ok");
            assertThatThrownBy(() -> sync.get("down")).isInstanceOf(NoQuorumException.class);
            assertThatThrownBy(() -> sync.get("busy")).isInstanceOf(BusyException.class);
            assertThatThrownBy(() -> sync.get("limit")).isInstanceOf(LimitException.class);
            // A reply of the wrong type is a protocol error for that call only.
            assertThatThrownBy(() -> sync.get("int")).isInstanceOf(ProtocolException.class);
            assertThat(sync.get("c")).isEqualTo("ok");
        }
    }

    @Test
    void unknownWriteOutcomesAreRetriedWithTheSameSessionAndSequence() throws Exception {
        // Property: exactly once; every retry of a write carries the same (clientId, sequence).
        AtomicInteger answers = new AtomicInteger();
        try (FakeServer server = new FakeServer(command -> {
                int n = answers.incrementAndGet();
                if (n == 1) return "-UNKNOWN outcome unknown\r\n";
                if (n == 2) return "-TRYAGAIN election\r\n";
                if (n == 3) return "CLOSE";
                return ":" + n + "\r\n";
            });
             KvClient client = builder(server).build()) {
            assertThat(client.blocking().incr("counter")).isEqualTo(4L);
            assertThat(server.received).hasSize(4);
            for (List<String> command : server.received) {
                assertThat(command).containsExactly("SESSION", server.received.get(0).get(1), "1", "INCR", "counter");
            }
            assertThat(client.blocking().incr("counter")).isEqualTo(5L);
            assertThat(server.received.get(4)).containsExactly("SESSION", server.received.get(0).get(1),
                    "2", "INCR", "counter");
            // At least one retry per failed attempt (an attempt on a connection that had just closed
            // fails unsent and is retried too).
            assertThat(client.retriesTotal()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void exhaustedRetriesOfAnUnknownWriteReportUnknownOutcome() throws Exception {
        try (FakeServer server = new FakeServer(command -> "-UNKNOWN proposal timed out\r\n");
             KvClient client = builder(server).retryPolicy(
                     new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5))).build()) {
            assertThatThrownBy(() -> client.blocking().set("k", "v"))
                    .isInstanceOf(UnknownOutcomeException.class)
                    .hasMessageContaining("after 3 attempt(s)");
            assertThat(server.received).hasSize(3);
            // A read that keeps failing is a timeout-like failure, never "unknown outcome".
            assertThatThrownBy(() -> client.blocking().get("k")).isInstanceOf(KvTimeoutException.class);
        }
    }

    @Test
    void notAppliedWritesReportTheirErrorNotUnknown() throws Exception {
        try (FakeServer server = new FakeServer(command -> "-CLUSTERDOWN no quorum\r\n");
             KvClient client = builder(server).retryPolicy(
                     new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5))).build()) {
            assertThatThrownBy(() -> client.blocking().incr("k")).isInstanceOf(NoQuorumException.class);
        }
    }

    @Test
    void expiredSessionOnAFirstAttemptIsRenewed() throws Exception {
        // A session the server does not know answers SESSIONEXPIRED for sequence > 1; the write
        // was not applied, so the client retries it under a fresh session starting at 1.
        try (FakeServer server = new FakeServer(command -> command.get(2).equals("1") ? ":1\r\n"
                : "-SESSIONEXPIRED client unknown\r\n");
             KvClient client = builder(server).build()) {
            assertThat(client.blocking().incr("a")).isEqualTo(1L);
            server.received.clear();
            assertThat(client.blocking().incr("a")).isEqualTo(1L);
            assertThat(server.received).hasSize(2);
            assertThat(server.received.get(1).get(1)).isNotEqualTo(server.received.get(0).get(1));
            assertThat(server.received.get(1).get(2)).isEqualTo("1");
        }
    }

    @Test
    void droppedConnectionFailsOnlyInFlightRequestsAndTheClientReconnects() throws Exception {
        try (FakeServer server = new FakeServer(command -> command.get(1).equals("hang") ? null : bulk("v"));
             KvClient client = builder(server).retryPolicy(RetryPolicy.none()).build()) {
            assertThat(client.get("a").join()).isEqualTo("v");
            CompletableFuture<String> hanging = client.get("hang");
            CompletableFuture<Void> write = client.set("hang", "x");
            pollUntil(() -> server.received.size() == 3);
            server.dropConnections();
            assertThatThrownBy(hanging::join).hasCauseInstanceOf(ConnectionException.class);
            assertThatThrownBy(write::join).hasCauseInstanceOf(UnknownOutcomeException.class);
            pollUntil(() -> {
                try {
                    return "v".equals(client.get("b").join());
                } catch (CompletionException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void levelsTravelAsConsistencyCommandsOnlyWhenTheyChange() throws Exception {
        // Property: a request runs at its view's level; CONSISTENCY goes out only on a change.
        try (FakeServer server = new FakeServer(command -> command.get(0).equals("CONSISTENCY")
                ? "+OK\r\n" : command.get(0).equals("SET") ? "+OK\r\n" : bulk(command.get(1)))) {
            server.keyspaceMode = "DEFAULT write=ONE read=ONE";
            try (KvClient client = builder(server).build()) {
                KvClient all = client.withConsistency(Consistency.ALL);
                CompletableFuture<String> a = all.get("a");
                CompletableFuture<String> b = all.get("b");
                CompletableFuture<String> c = client.get("c");
                assertThat(List.of(a.join(), b.join(), c.join())).containsExactly("a", "b", "c");
                assertThat(all.blocking().get("d")).isEqualTo("d");
                client.withConsistency(Consistency.QUORUM).blocking().set("e", "1");
                assertThat(server.received).containsExactly(List.of("CONSISTENCY", "ALL"),
                        List.of("GET", "a"), List.of("GET", "b"), List.of("CONSISTENCY", "DEFAULT"),
                        List.of("GET", "c"), List.of("CONSISTENCY", "ALL"), List.of("GET", "d"),
                        // An eventual write goes out as it is: no SESSION (no exactly once there).
                        List.of("CONSISTENCY", "QUORUM"), List.of("SET", "e", "1"));
            }
        }
    }

    @Test
    void aRefusedLevelFailsOnlyTheRequestsThatNeededIt() throws Exception {
        // Property: a server that refuses a level runs the request at its previous level, so the
        // request must fail (typed, saying so); requests at the previous level still succeed.
        try (FakeServer server = new FakeServer(command -> command.get(0).equals("CONSISTENCY")
                ? "-ERR unknown command 'CONSISTENCY'\r\n" : bulk("v"))) {
            server.keyspaceMode = "DEFAULT write=ONE read=ONE";
            try (KvClient client = builder(server).retryPolicy(RetryPolicy.none()).build()) {
                KvClient all = client.withConsistency(Consistency.ALL);
                CompletableFuture<String> refused = all.get("a");
                CompletableFuture<String> refusedToo = all.get("b");
                CompletableFuture<String> atDefault = client.get("c");
                assertThatThrownBy(refused::join).hasCauseInstanceOf(ServerErrorException.class)
                        .hasMessageContaining("CONSISTENCY ALL answered -ERR unknown command");
                assertThatThrownBy(refusedToo::join).hasCauseInstanceOf(ServerErrorException.class);
                assertThat(atDefault.join()).isEqualTo("v");
                assertThat(client.blocking().get("d")).isEqualTo("v");
            }
        }
    }

    @Test
    void levelsAreRefusedInStrongKeyspaces() throws Exception {
        try (FakeServer server = new FakeServer(command -> bulk("v"));
             KvClient client = builder(server).build()) {
            assertThatThrownBy(() -> client.withConsistency(Consistency.QUORUM))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("keyspace 0 is strong");
            assertThat(client.withConsistency(Consistency.DEFAULT)).isSameAs(client);
        }
    }

    @Test
    void aMalformedReplyMidPipelineFailsOnlyThatConnectionsRequestsTyped() throws Exception {
        // Property: a reply that is not RESP closes the connection (its framing is lost): the
        // requests answered before it succeed; the one answered malformed fails with
        // ProtocolException and is never retried (it would get the same answer and close the
        // next connection too); those behind it lost only their connection, so they fail with
        // ConnectionException without retries and succeed on a new connection with them.
        // The malformed reply comes late enough that the request issued right behind it is
        // on the connection by then, however the test thread is scheduled.
        try (FakeServer server = new FakeServer(command -> {
                if (command.stream().noneMatch(arg -> arg.startsWith("bad"))) {
                    return bulk(command.get(1));
                }
                sleep(MALFORMED_REPLY_DELAY_MILLIS);
                return "?+OK\r\n"; // after the malformed "?", a tail that would parse
            })) {
            try (KvClient client = builder(server).retryPolicy(RetryPolicy.none()).build()) {
                CompletableFuture<String> before = client.get("a");
                CompletableFuture<String> bad = client.get("bad");
                CompletableFuture<String> behind = client.get("c");
                assertThat(before.join()).isEqualTo("a");
                assertThatThrownBy(bad::join).hasCauseInstanceOf(ProtocolException.class)
                        .hasMessageContaining("unexpected reply type byte");
                // Sent before the bad reply arrived, or after it closed the connection.
                assertThatThrownBy(behind::join).hasCauseInstanceOf(ConnectionException.class);
                pollUntil(() -> {
                    try {
                        return "d".equals(client.get("d").join());
                    } catch (CompletionException e) {
                        return false;
                    }
                });
            }
            // Backoff past the reconnect (REFRESH_INTERVAL_MIN_MILLIS), and attempts for seconds,
            // so retries find a connection on a loaded machine.
            RetryPolicy retries =
                    new RetryPolicy(20, Duration.ofMillis(100), Duration.ofMillis(200));
            try (KvClient client = builder(server).retryPolicy(retries).build()) {
                CompletableFuture<String> bad = client.get("bad");
                CompletableFuture<String> behind = client.get("e");
                assertThatThrownBy(bad::join).hasCauseInstanceOf(ProtocolException.class);
                assertThat(behind.join()).isEqualTo("e");
                // A write answered malformed may have been applied: its outcome is unknown.
                assertThatThrownBy(() -> client.set("bad-write", "v").join())
                        .hasCauseInstanceOf(UnknownOutcomeException.class)
                        .hasRootCauseInstanceOf(ProtocolException.class);
            }
            assertThat(server.received.stream().filter(command -> command.contains("bad")).count())
                    .as("the request answered malformed, once per client").isEqualTo(2);
            assertThat(server.received.stream()
                    .filter(command -> command.contains("bad-write")).count())
                    .as("the write answered malformed, not retried").isEqualTo(1);
        }
    }

    private static final long MALFORMED_REPLY_DELAY_MILLIS = 300;

    @Test
    void aDeepPipelineBehindASlowButSteadyServerIsNotTakenForAHang() throws Exception {
        // Property: the reply timeout measures silence, not queueing: the last of 12 pipelined
        // requests waits about 2.4 s behind the others, longer than the 1 s reply timeout, but
        // a reply arrives every 200 ms, so the connection stays open and all succeed. (A gap
        // is a fifth of the timeout: a pause of either JVM on a loaded machine fits in it.)
        try (FakeServer server = new FakeServer(command -> {
                sleep(200);
                return bulk(command.get(1));
            });
             KvClient client = builder(server).retryPolicy(RetryPolicy.none())
                     .replyTimeout(Duration.ofSeconds(1)).build()) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) futures.add(client.get("k" + i));
            for (int i = 0; i < 12; i++) assertThat(futures.get(i).join()).isEqualTo("k" + i);
        }
    }

    @Test
    void everyCallHasADeadline() throws Exception {
        try (FakeServer server = new FakeServer(command -> null);
             KvClient client = builder(server).requestTimeout(Duration.ofMillis(300)).build()) {
            // The call's own deadline ends each wait (its message says so), not the blocking
            // wrapper's safety net ("no result within"); the lower bound: both waited it out.
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.blocking().get("k"))
                    .isInstanceOf(KvTimeoutException.class)
                    .hasMessageContaining("before the deadline")
                    .hasMessageNotContaining("no result within");
            assertThatThrownBy(() -> client.blocking().set("k", "v"))
                    .isInstanceOf(UnknownOutcomeException.class)
                    .hasMessageNotContaining("no result within");
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMillis).isBetween(550L, 10_000L);
        }
    }

    @Test
    void builderRejectsOutOfRangeSettingsNamingKeyValueAndRange() {
        assertThatThrownBy(() -> KvClient.builder().seed("127.0.0.1", 1).inFlightCountMax(0).config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in.flight.count.max = 0 requests is outside 1..65536 requests");
        assertThatThrownBy(() -> KvClient.builder().config()).hasMessageContaining("seeds = 0");
        assertThatThrownBy(() -> KvClient.builder().seed("127.0.0.1", 1).keyspace(300).config())
                .hasMessageContaining("keyspace = 300");
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessageContaining("retry.attempts.max = 0");
    }

    @Test
    void unreachableSeedsFailTheBuildWithEachReason() {
        int port = freePort();
        assertThatThrownBy(() -> KvClient.builder().seed("127.0.0.1", port)
                .connectTimeout(Duration.ofMillis(500)).build())
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    /** Ports tests give servers: below Linux's ephemeral range (32768-60999 by default). */
    static final int TEST_PORT_FIRST = 20_000;
    static final int TEST_PORT_END = 32_768;
    static final int FREE_PORT_ATTEMPTS_MAX = 200;
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(
            new java.util.SplittableRandom(System.nanoTime()).nextInt(TEST_PORT_END - TEST_PORT_FIRST));

    /**
     * A port free on loopback now, outside the ephemeral range: a port the kernel hands out for
     * outgoing connections could be taken by one before a server binds it (DroppedConnectionIT
     * once failed so: a node's peer port was in use).
     */
    static int freePort() {
        for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS_MAX; attempt++) {
            // Consecutive ports from a random start: two calls in this JVM never get the same
            // port (a port checked free is not reserved until its server binds it).
            int port = TEST_PORT_FIRST
                    + Math.floorMod(NEXT_PORT.getAndIncrement(), TEST_PORT_END - TEST_PORT_FIRST);
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(
                        java.net.InetAddress.getByName("127.0.0.1"), port));
                return port;
            } catch (java.io.IOException e) {
                // Taken: try the next.
            }
        }
        throw new IllegalStateException("no free port in " + TEST_PORT_FIRST + ".."
                + TEST_PORT_END + " after " + FREE_PORT_ATTEMPTS_MAX + " attempts");
    }

    static void pollUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
            Thread.sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
