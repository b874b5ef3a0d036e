package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-request consistency levels in an eventual keyspace, against a real 3-node cluster with one
 * node killed: ALL cannot be reached (-UNAVAILABLE, typed), ONE and QUORUM can. Requests of
 * different levels pipelined on one connection each run at their own level: a level leaking to
 * the next request would fail a ONE write or let an ALL write succeed. Eventual writes carry no
 * SESSION (the server refuses it there), so they must work at all.
 */
class ConsistencyIT {
    static final int REQUEST_TIMEOUT_MILLIS = 2_000;
    static final long STEP_TIMEOUT_MILLIS = 20_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void perRequestLevelsRunAtTheirOwnLevelOnOneConnection() throws Exception {
        try (ServerNodes cluster = new ServerNodes(3, REQUEST_TIMEOUT_MILLIS)) {
            try {
                run(cluster);
            } catch (Throwable e) {
                cluster.printLogTails();
                throw e;
            }
        }
    }

    private void run(ServerNodes cluster) throws Exception {
        int leader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
        assertThat(leader).as("a leader is elected").isPositive();
        // One connection per node, reads and writes to the leader: every request below shares
        // one pipelined connection, so levels switch between neighbouring requests on it.
        KvClient.Builder builder = KvClient.builder().keyspace(ServerNodes.EVENTUAL_KEYSPACE_INDEX)
                .connectionsPerNode(1).readFrom(ReadFrom.LEADER).ioThreads(1)
                .requestTimeout(Duration.ofSeconds(10)).refreshInterval(Duration.ofMillis(200));
        for (ServerNodes.Node node : cluster.nodes) builder.seed("127.0.0.1", node.clientPort);
        try (KvClient client = builder.build()) {
            KvClient one = client.withConsistency(Consistency.ONE);
            KvClient quorum = client.withConsistency(Consistency.QUORUM);
            KvClient all = client.withConsistency(Consistency.ALL);
            assertThat(all.consistency()).isEqualTo(Consistency.ALL);
            assertThat(client.withConsistency(Consistency.DEFAULT)).isSameAs(client);

            all.blocking().set("k", "v1");
            assertThat(all.blocking().get("k")).isEqualTo("v1");
            assertThat(client.blocking().incr("n")).isEqualTo(1); // no SESSION wrapper here

            // A young cluster may still change leaders: the victim must be a follower now, and
            // the client (reading and writing at the leader) must route to the current leader.
            int current = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
            KvClientTest.pollUntil(() -> client.leaderId() == current);
            int victim = current == 1 ? 2 : 1;
            cluster.node(victim).kill9();
            System.out.printf("killed node %d (leader is %d)%n", victim, current);

            CompletableFuture<Void> allWrite = all.set("a", "1");
            CompletableFuture<Void> oneWrite = one.set("b", "1");
            CompletableFuture<Void> quorumWrite = quorum.set("c", "1");
            CompletableFuture<Void> allWriteAgain = all.set("d", "1");
            CompletableFuture<Void> defaultWrite = client.set("e", "1");
            CompletableFuture<String> allRead = all.get("b");
            CompletableFuture<String> quorumRead = quorum.get("b");
            assertThatThrownBy(allWrite::join).hasCauseInstanceOf(UnavailableException.class);
            oneWrite.join();
            quorumWrite.join();
            assertThatThrownBy(allWriteAgain::join).hasCauseInstanceOf(UnavailableException.class);
            defaultWrite.join();
            assertThatThrownBy(allRead::join).hasCauseInstanceOf(UnavailableException.class);
            assertThat(quorumRead.join()).isEqualTo("1");
            assertThat(client.blocking().get("e")).isEqualTo("1");

            cluster.node(victim).start();
            awaitAllLevelWrite(all);
        }
    }

    /** After the restart ALL is reachable again (the restarted node rejoins by itself). */
    private static void awaitAllLevelWrite(KvClient all) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
        while (true) {
            try {
                all.blocking().set("f", "1");
                return;
            } catch (UnavailableException | ConnectionException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("ALL never reachable again", e);
                Thread.sleep(50);
            }
        }
    }
}
