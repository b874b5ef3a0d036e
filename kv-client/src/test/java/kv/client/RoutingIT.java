package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routing around a failed node and back (issue 7), against a real 3-node cluster under load
 * (reads spread over every node): while a node is killed, or cut off from its peers with
 * iptables (it still accepts the client's connections but cannot answer), every call succeeds
 * through the others; after the node is restarted, or the partition heals, the client sends it
 * requests again and it answers them. Partitioning the leader makes the client follow the new
 * leader without a failed call.
 */
class RoutingIT {
    static final int REQUEST_TIMEOUT_MILLIS = 2_000;
    static final long STEP_TIMEOUT_MILLIS = 30_000;
    static final int LOAD_THREADS_COUNT = 4;
    static final long PROGRESS_CALLS_COUNT = 300;
    /** Answers from a recovered node that show the client uses it again. */
    static final long RETURN_ANSWERS_COUNT = 100;

    private static KvClient client(ServerNodes cluster) {
        KvClient.Builder builder = KvClient.builder().readFrom(ReadFrom.ANY).ioThreads(2)
                .requestTimeout(Duration.ofSeconds(30))
                .replyTimeout(Duration.ofMillis(REQUEST_TIMEOUT_MILLIS + 1_000))
                .refreshInterval(Duration.ofMillis(200))
                .retryPolicy(new RetryPolicy(200, Duration.ofMillis(10), Duration.ofMillis(200)));
        for (ServerNodes.Node node : cluster.nodes) builder.seed("127.0.0.1", node.clientPort);
        return builder.build();
    }

    private static int follower(int leader) {
        return leader == 1 ? 2 : 1;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRestartedNodeIsRoutedAroundAndUsedAgainAfterItsRestart() throws Exception {
        try (ServerNodes cluster = new ServerNodes(3, REQUEST_TIMEOUT_MILLIS)) {
            try {
                int leader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
                assertThat(leader).as("a leader is elected").isPositive();
                int victim = follower(leader);
                try (KvClient client = client(cluster)) {
                    LoadThreads load = new LoadThreads(client, LOAD_THREADS_COUNT);
                    try (load) {
                        awaitAnswers(client, victim, RETURN_ANSWERS_COUNT, "before the kill");
                        cluster.node(victim).kill9();
                        load.awaitProgress(PROGRESS_CALLS_COUNT, "after killing node " + victim);
                        cluster.node(victim).start();
                        awaitAnswers(client, victim, RETURN_ANSWERS_COUNT, "after the restart");
                        load.awaitProgress(PROGRESS_CALLS_COUNT, "after the restart");
                    }
                    assertThat(load.errors).as("failed calls").isEmpty();
                }
            } catch (Throwable e) {
                cluster.printLogTails();
                throw e;
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aPartitionedNodeIsRoutedAroundAndUsedAgainAfterTheHeal() throws Exception {
        Assumptions.assumeTrue(Firewall.available(), "needs root and iptables (scripts/test.sh installs it)");
        try (ServerNodes cluster = new ServerNodes(3, REQUEST_TIMEOUT_MILLIS);
             Firewall firewall = new Firewall()) {
            try {
                int leader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
                assertThat(leader).as("a leader is elected").isPositive();
                try (KvClient client = client(cluster)) {
                    LoadThreads load = new LoadThreads(client, LOAD_THREADS_COUNT);
                    try (load) {
                        partitionAndHeal(cluster, firewall, client, load, follower(leader), "follower");
                        int current = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
                        partitionAndHeal(cluster, firewall, client, load, current, "leader");
                    }
                    System.out.printf("calls=%d retries=%d leaderChanges=%d%n", load.successCount.sum(),
                            client.retriesTotal(), client.leaderChangesTotal());
                    assertThat(load.errors).as("failed calls").isEmpty();
                }
            } catch (Throwable e) {
                cluster.printLogTails();
                throw e;
            }
        }
    }

    private static void partitionAndHeal(ServerNodes cluster, Firewall firewall, KvClient client,
            LoadThreads load, int victim, String role) throws Exception {
        awaitAnswers(client, victim, RETURN_ANSWERS_COUNT, "before partitioning the " + role);
        long suspicionsBefore = client.cluster().suspicionsCount(victim);
        firewall.isolate(host(victim), othersOf(cluster, victim));
        System.out.printf("partitioned %s node %d%n", role, victim);
        load.awaitProgress(PROGRESS_CALLS_COUNT, "with the " + role + " partitioned");
        // Then a window after the client found out (the node failed a call): by then it cannot
        // answer any more (with quorum leases a cut-off holder reads locally until its lease
        // ends, which is before its first failure), and the client has learned to avoid it.
        awaitSuspect(client, victim, suspicionsBefore, "with the " + role + " partitioned");
        long answeredBefore = client.cluster().answeredCount(victim);
        load.awaitProgress(PROGRESS_CALLS_COUNT, "with the " + role + " partitioned");
        assertThat(client.cluster().answeredCount(victim)).as("answers from the partitioned %s", role)
                .isEqualTo(answeredBefore);
        firewall.heal();
        awaitAnswers(client, victim, RETURN_ANSWERS_COUNT, "after healing the " + role);
    }

    /**
     * Until the client suspects {@code nodeId} for a failure after the partition: a suspicion
     * left from before it (an election's errors) says nothing about the cut-off node.
     */
    private static void awaitSuspect(KvClient client, int nodeId, long suspicionsBefore, String when) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
        while (!client.cluster().isSuspect(nodeId)
                || client.cluster().suspicionsCount(nodeId) == suspicionsBefore) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the client never avoided node " + nodeId + " " + when
                        + " within " + STEP_TIMEOUT_MILLIS + " ms");
            }
            ServerNodes.sleepMillis(5);
        }
    }

    private static String host(int nodeId) {
        return "127.0.0." + (10 + nodeId);
    }

    private static List<String> othersOf(ServerNodes cluster, int nodeId) {
        List<String> others = new ArrayList<>();
        for (ServerNodes.Node node : cluster.nodes) if (node.id != nodeId) others.add(host(node.id));
        return others;
    }

    /** Waits until node {@code nodeId} answered {@code count} more calls of the client. */
    private static void awaitAnswers(KvClient client, int nodeId, long count, String when) {
        long from = client.cluster().answeredCount(nodeId);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
        while (client.cluster().answeredCount(nodeId) < from + count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + nodeId + " answered "
                        + (client.cluster().answeredCount(nodeId) - from) + " calls " + when
                        + " within " + STEP_TIMEOUT_MILLIS + " ms; expected " + count);
            }
            ServerNodes.sleepMillis(10);
        }
    }
}
