package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection dropped mid-pipeline (issue 7): a follower is killed with -9 while thousands of
 * pipelined reads are in flight on every node and writes stream to the leader. With retries off,
 * exactly the requests on the dead node's connection fail, each with a typed
 * {@link ConnectionException} naming that node; every other request returns its own value.
 */
class DroppedConnectionIT {
    static final int REQUEST_TIMEOUT_MILLIS = 2_000;
    static final long STEP_TIMEOUT_MILLIS = 20_000;
    static final int KEYS_COUNT = 1_000;
    static final int REQUESTS_COUNT = 12_000;
    /** Issuing every request may take long on a loaded 2-core machine: bounded, not tight. */
    static final long ISSUE_TIMEOUT_MILLIS = 90_000;
    /** Completed requests before the kill, so the pipelines are full when it happens. */
    static final int COMPLETED_BEFORE_KILL_COUNT = 1_500;
    /** Every tenth request is a write (to the leader). */
    static final int WRITE_EVERY = 10;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void onlyTheDeadNodesRequestsFailAndTheyFailTyped() throws Exception {
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
        assertThat(cluster.awaitLeader(STEP_TIMEOUT_MILLIS)).as("a leader is elected").isPositive();
        KvClient.Builder builder = KvClient.builder().readFrom(ReadFrom.ANY).ioThreads(2)
                .retryPolicy(RetryPolicy.none()).requestTimeout(Duration.ofSeconds(30))
                .refreshInterval(Duration.ofMillis(200)).connectionsPerNode(1).inFlightCountMax(4096);
        for (ServerNodes.Node node : cluster.nodes) builder.seed("127.0.0.1", node.clientPort);
        try (KvClient client = builder.build()) {
            List<CompletableFuture<Void>> loads = new ArrayList<>();
            for (int k = 0; k < KEYS_COUNT; k++) loads.add(client.set("k" + k, "v" + k));
            for (CompletableFuture<Void> load : loads) load.join();
            // A young cluster may still change leaders: the victim must be a follower now, and
            // the client must know the leader (its writes must not go to the victim).
            int leader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
            KvClientTest.pollUntil(() -> client.leaderId() == leader);
            int victim = leader == 1 ? 2 : 1;

            AtomicInteger completed = new AtomicInteger();
            List<CompletableFuture<String>> reads = new ArrayList<>();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            Thread issuer = new Thread(() -> {
                for (int i = 0; i < REQUESTS_COUNT; i++) {
                    if (i % WRITE_EVERY == 0) {
                        CompletableFuture<Void> write = client.set("w" + i, "x");
                        write.whenComplete((v, e) -> completed.incrementAndGet());
                        synchronized (writes) {
                            writes.add(write);
                        }
                    } else {
                        CompletableFuture<String> read = client.get("k" + i % KEYS_COUNT);
                        read.whenComplete((v, e) -> completed.incrementAndGet());
                        synchronized (reads) {
                            reads.add(read);
                        }
                    }
                }
            }, "issuer");
            issuer.start();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
            while (completed.get() < COMPLETED_BEFORE_KILL_COUNT && System.nanoTime() < deadline) {
                ServerNodes.sleepMillis(1);
            }
            assertThat(completed.get()).as("requests completed before the kill")
                    .isGreaterThanOrEqualTo(COMPLETED_BEFORE_KILL_COUNT);
            // Stopped first, so reads stay in flight on its connection however the threads were
            // scheduled: its share of the reads (a third) is more than everything completed so
            // far, and whatever the issuer sends it from now on waits too. Then kill -9.
            cluster.node(victim).pause();
            issuer.join(ISSUE_TIMEOUT_MILLIS);
            assertThat(issuer.isAlive()).as("issuer finished within %d ms (%d of %d requests completed)",
                    ISSUE_TIMEOUT_MILLIS, completed.get(), REQUESTS_COUNT).isFalse();
            cluster.node(victim).kill9();

            String victimAddress = ":" + cluster.node(victim).clientPort;
            int failedCount = 0;
            for (int i = 0, r = 0; i < REQUESTS_COUNT; i++) {
                if (i % WRITE_EVERY == 0) continue;
                try {
                    assertThat(reads.get(r++).join()).as("read %d", i).isEqualTo("v" + i % KEYS_COUNT);
                } catch (CompletionException e) {
                    failedCount++;
                    assertThat(e.getCause()).as("failure of read %d", i).isInstanceOf(ConnectionException.class);
                    assertThat(e.getCause().getMessage()).as("failure of read %d", i).contains(victimAddress);
                }
            }
            for (CompletableFuture<Void> write : writes) write.join(); // to the leader: all succeed
            System.out.printf("killed node %d: %d of %d reads failed, all on its connection%n", victim,
                    failedCount, reads.size());
            assertThat(failedCount).as("reads in flight on the killed node's connection").isPositive();
            assertThat(failedCount).as("reads failed").isLessThan(reads.size() / 2);
            assertThat(client.blocking().get("k1")).isEqualTo("v1");
        }
    }
}
