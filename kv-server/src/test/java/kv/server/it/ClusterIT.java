package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real 3-node cluster (DESIGN.md "Strong write path", issue 4): a write acknowledged by any
 * node is readable through every node; the cluster keeps serving after kill -9 of the leader;
 * every acknowledged write survives kill -9 of all nodes; a minority answers a clear error
 * within the request timeout instead of hanging.
 */
@ExtendWith(ServerLogOnFailure.class)
class ClusterIT {
    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(20);
    private static final int REQUEST_TIMEOUT_MILLIS = 2_000;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    private static Object call(ServerProcess node, Object... args) throws IOException {
        try (Resp resp = node.connect()) {
            return text(resp.call(args));
        }
    }

    /** Bulk replies as strings, recursively, so assertions read naturally. */
    private static Object text(Object reply) {
        if (reply instanceof byte[] bytes) return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (reply instanceof List<?> list) return list.stream().map(ClusterIT::text).toList();
        return reply;
    }

    /** Retries until the node answers without an error, within a deadline (leader election). */
    private static Object callUntilOk(ServerProcess node, Object... args) throws Exception {
        long deadline = System.nanoTime() + FAILOVER_DEADLINE.toNanos();
        Object reply = null;
        while (System.nanoTime() < deadline) {
            reply = call(node, args);
            if (!(reply instanceof Resp.Err)) return reply;
            Thread.sleep(50);
        }
        throw new AssertionError("no success within " + FAILOVER_DEADLINE + "; last reply " + Resp.show(reply));
    }

    private int leaderId() throws IOException {
        for (int id = 1; id <= cluster.nodes.size(); id++) {
            ServerProcess node = cluster.node(id);
            if (!node.isAlive()) continue;
            String info = (String) call(node, "INFO", "replication");
            if (info.contains("synod_role:leader")) return id;
        }
        return 0;
    }

    private int awaitLeader() throws Exception {
        long deadline = System.nanoTime() + FAILOVER_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            int leader = leaderId();
            if (leader > 0) return leader;
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within " + FAILOVER_DEADLINE);
    }

    @Test
    void writesThroughAnyNodeAreReadableThroughEveryNode() throws Exception {
        cluster = new ClusterProcesses(3, false, REQUEST_TIMEOUT_MILLIS);
        awaitLeader();
        for (int i = 0; i < 30; i++) {
            ServerProcess writer = cluster.node(1 + i % 3);
            assertThat(callUntilOk(writer, "SET", "k" + i, "v" + i)).isEqualTo("OK");
            for (ServerProcess reader : cluster.nodes) {
                assertThat(call(reader, "GET", "k" + i)).isEqualTo("v" + i);
            }
        }
        assertThat(call(cluster.node(2), "INCR", "n")).isEqualTo(1L);
        assertThat(call(cluster.node(3), "INCR", "n")).isEqualTo(2L);
        try (Resp resp = cluster.node(3).connect()) {
            assertThat(text(resp.call("MULTI"))).isEqualTo("OK");
            assertThat(text(resp.call("INCR", "n"))).isEqualTo("QUEUED");
            assertThat(text(resp.call("HSET", "h", "f", "v"))).isEqualTo("QUEUED");
            assertThat(text(resp.call("EXEC"))).isEqualTo(List.of(3L, 1L));
        }
        assertThat(call(cluster.node(1), "HGET", "h", "f")).isEqualTo("v");
    }

    @Test
    void survivesKillOfTheLeaderUnderWritesAndTheOldLeaderCatchesUp() throws Exception {
        cluster = new ClusterProcesses(3, true, REQUEST_TIMEOUT_MILLIS);
        int leader = awaitLeader();
        ServerProcess writerNode = cluster.node(leader % 3 + 1); // a follower: it survives
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicLong firstAckAfterKillNanos = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                try {
                    if ("OK".equals(call(writerNode, "SET", "w" + i, "v" + i))) {
                        acknowledged.add("w" + i);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "it-writer");
        writer.start();
        Thread.sleep(500);
        long killedNanos = System.nanoTime();
        cluster.node(leader).kill9();
        long deadline = killedNanos + FAILOVER_DEADLINE.toNanos();
        // The writer's write in flight at the kill may be lost with the leader's unsynced batch;
        // its node then answers -UNKNOWN only at the 2 s request timeout (and an ack just after
        // the kill may come from the old leader's last commit). Probe writes sent after the
        // kill, one every PROBE_INTERVAL_MILLIS on its own connection, measure when a new
        // leader serves, whatever one lost write waits for.
        ExecutorService probes = Executors.newFixedThreadPool(PROBES_COUNT_MAX);
        for (int i = 0; i < PROBES_COUNT_MAX && firstAckAfterKillNanos.get() == 0; i++) {
            String key = "probe" + i;
            probes.submit(() -> {
                try {
                    if ("OK".equals(call(writerNode, "SET", key, "x"))) {
                        firstAckAfterKillNanos.compareAndSet(0, System.nanoTime());
                    }
                } catch (IOException e) {
                    // The node is down: no ack, the assertion below says so.
                }
            });
            Thread.sleep(PROBE_INTERVAL_MILLIS);
        }
        while (firstAckAfterKillNanos.get() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        long failoverMillis = firstAckAfterKillNanos.get() == 0 ? Long.MAX_VALUE
                : Duration.ofNanos(firstAckAfterKillNanos.get() - killedNanos).toMillis();
        Thread.sleep(500);
        stop.set(true);
        writer.join(FAILOVER_DEADLINE.toMillis());
        probes.shutdown();
        assertThat(probes.awaitTermination(FAILOVER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                .isTrue();
        System.out.println("first probe write acknowledged " + failoverMillis
                + " ms after kill -9 of the leader");
        assertThat(failoverMillis).as("a new leader serves within 3 s").isBetween(0L, 3_000L);
        cluster.node(leader).restart();
        ServerProcess restarted = cluster.node(leader);
        for (String key : acknowledged) {
            assertThat(callUntilOk(restarted, "GET", key)).as(key).isEqualTo("v" + key.substring(1));
        }
    }

    /** Probe writes after the kill: 40 x 100 ms covers the 3 s failover bound and more. */
    private static final int PROBES_COUNT_MAX = 40;
    private static final long PROBE_INTERVAL_MILLIS = 100;

    @Test
    void redisBenchmarkRunsWithoutErrorsThroughEveryNode() throws Exception {
        Path benchmark = ExternalTools.resolve(Path.of("/usr/bin/redis-benchmark"));
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(benchmark),
                "redis-benchmark is missing: run scripts/test.sh, which installs redis-tools");
        cluster = new ClusterProcesses(3, false, REQUEST_TIMEOUT_MILLIS);
        awaitLeader();
        Path workDir = java.nio.file.Files.createTempDirectory("cluster-bench-");
        for (ServerProcess node : cluster.nodes) {
            ExternalTools.Run run = ExternalTools.run(workDir, Duration.ofSeconds(120), benchmark.toString(),
                    "-h", "127.0.0.1", "-p", Integer.toString(node.port()), "-t", "set,get",
                    "-n", "3000", "-r", "100000", "-q");
            List<String> lines = java.util.Arrays.stream(run.output().split("[\r\n]+"))
                    .map(String::trim).filter(line -> !line.isEmpty()).toList();
            assertThat(run.exitCode()).isZero();
            assertThat(lines).noneMatch(line -> line.contains("ERR") || line.toLowerCase().contains("error"));
            assertThat(lines.stream().filter(line -> line.contains("requests per second"))).hasSize(2);
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillOfAllNodes() throws Exception {
        cluster = new ClusterProcesses(3, true, REQUEST_TIMEOUT_MILLIS);
        awaitLeader();
        long acknowledged = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (acknowledged < 2_000 && System.nanoTime() < deadline) {
            Object reply = call(cluster.node(1 + (int) (acknowledged % 3)), "INCR", "counter");
            if (reply instanceof Long value) acknowledged = value;
        }
        for (ServerProcess node : cluster.nodes) node.kill9();
        for (ServerProcess node : cluster.nodes) node.restart();
        Object counter = callUntilOk(cluster.node(2), "GET", "counter");
        assertThat(Long.parseLong((String) counter)).isGreaterThanOrEqualTo(acknowledged);
    }

    @Test
    void minorityAnswersClusterDownWithinTheTimeout() throws Exception {
        cluster = new ClusterProcesses(3, false, REQUEST_TIMEOUT_MILLIS);
        awaitLeader();
        callUntilOk(cluster.node(1), "SET", "k", "v");
        cluster.node(2).kill9();
        cluster.node(3).kill9();
        long start = System.nanoTime();
        Object reply = call(cluster.node(1), "SET", "k", "w");
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(reply).isInstanceOf(Resp.Err.class);
        assertThat(((Resp.Err) reply).message()).matches("(CLUSTERDOWN|UNKNOWN) .*");
        assertThat(elapsedMillis).isLessThan(REQUEST_TIMEOUT_MILLIS + 3_000L);
        assertThat(call(cluster.node(1), "PING")).isEqualTo("PONG"); // the node itself stays up
        cluster.node(2).restart();
        assertThat(callUntilOk(cluster.node(1), "GET", "k")).isIn("v", "w");
    }

    @Test
    void nodeThatLostItsDiskRejoinsBySnapshot() throws Exception {
        cluster = new ClusterProcesses(3, false, REQUEST_TIMEOUT_MILLIS, 20);
        awaitLeader();
        for (int i = 0; i < 100; i++) callUntilOk(cluster.node(1 + i % 2), "SET", "a" + i, "x" + i);
        cluster.node(3).kill9();
        cluster.node(3).wipeData();
        for (int i = 0; i < 100; i++) callUntilOk(cluster.node(1 + i % 2), "SET", "b" + i, "y" + i);
        cluster.node(3).restart();
        // Reads go through the log and are answered from node 3's own state machine.
        for (int i = 0; i < 100; i += 7) {
            assertThat(callUntilOk(cluster.node(3), "GET", "a" + i)).isEqualTo("x" + i);
            assertThat(callUntilOk(cluster.node(3), "GET", "b" + i)).isEqualTo("y" + i);
        }
        assertThat(call(cluster.node(3), "DBSIZE")).isEqualTo(200L);
        assertThat(cluster.node(3).logTail(400)).contains("installed a snapshot");
    }

    @Test
    void partitionedLeaderStopsServingAndCatchesUpAfterHeal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Firewall.available(),
                "iptables is missing or not permitted: run scripts/test.sh as root, which installs it");
        cluster = new ClusterProcesses(3, false, REQUEST_TIMEOUT_MILLIS);
        int leader = awaitLeader();
        callUntilOk(cluster.node(leader), "SET", "k", "before");
        String leaderHost = "127.0.0." + (10 + leader);
        List<String> others = new ArrayList<>();
        for (int id = 1; id <= 3; id++) if (id != leader) others.add("127.0.0." + (10 + id));
        try (Firewall firewall = new Firewall()) {
            firewall.isolate(leaderHost, others);
            ServerProcess majority = cluster.node(leader % 3 + 1);
            assertThat(callUntilOk(majority, "SET", "k", "during")).isEqualTo("OK");
            // The isolated old leader must not serve: neither the write nor a stale read.
            Object write = call(cluster.node(leader), "SET", "k", "lost");
            assertThat(write).isInstanceOf(Resp.Err.class);
            Object read = call(cluster.node(leader), "GET", "k");
            assertThat(read).isNotEqualTo("before");
            assertThat(read).isInstanceOf(Resp.Err.class);
            firewall.heal();
            assertThat(callUntilOk(cluster.node(leader), "GET", "k")).isIn("during", "lost");
        }
        assertThat(call(cluster.node(leader % 3 + 1), "GET", "k"))
                .isEqualTo(call(cluster.node(leader), "GET", "k"));
    }
}
