package kv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly once under failover (issue 7; Jepsen's etcd-java finding in REFERENCE.md): 16 threads
 * INCR shared counters through kv-client while the leader is killed -9 twice (restarted in
 * between). Afterwards every counter equals the increments reported successful: with retries
 * enabled none may be unknown, a lower value is a lost acknowledged increment, a higher one a
 * duplicate applied by a retry.
 */
class FailoverIT {
    static final int THREADS_COUNT = 16;
    static final int COUNTERS_COUNT = 4;
    static final int REQUEST_TIMEOUT_MILLIS = 2_000;
    /** Progress the load must make after each fault before the next step. */
    static final long PROGRESS_INCREMENTS_COUNT = 300;
    static final long STEP_TIMEOUT_MILLIS = 20_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void countersMatchAcknowledgedIncrementsAcrossTwoLeaderKills() throws Exception {
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
        int firstLeader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
        assertThat(firstLeader).as("a leader is elected").isPositive();
        KvClient.Builder builder = KvClient.builder().ioThreads(2)
                .requestTimeout(Duration.ofSeconds(30))
                .replyTimeout(Duration.ofMillis(REQUEST_TIMEOUT_MILLIS + 1_000))
                .refreshInterval(Duration.ofMillis(200))
                .retryPolicy(new RetryPolicy(200, Duration.ofMillis(10), Duration.ofMillis(200)));
        for (ServerNodes.Node node : cluster.nodes) builder.seed("127.0.0.1", node.clientPort);
        AtomicLongArray acknowledged = new AtomicLongArray(COUNTERS_COUNT);
        LongAdder acknowledgedTotal = new LongAdder();
        LongAdder unknownCount = new LongAdder();
        List<Throwable> otherErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        try (KvClient client = builder.build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS_COUNT; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    BlockingKvClient sync = client.blocking();
                    for (long i = 0; !stop.get(); i++) {
                        int counter = (int) ((thread + i) % COUNTERS_COUNT);
                        try {
                            sync.incr("counter" + counter);
                            acknowledged.incrementAndGet(counter);
                            acknowledgedTotal.increment();
                        } catch (UnknownOutcomeException e) {
                            unknownCount.increment();
                        } catch (KvException e) {
                            otherErrors.add(e);
                        }
                    }
                }, "incr-" + t);
                worker.start();
                threads.add(worker);
            }
            awaitProgress(acknowledgedTotal, "before the first kill");
            int leader = firstLeader;
            for (int round = 1; round <= 2; round++) {
                leader = cluster.awaitLeader(STEP_TIMEOUT_MILLIS);
                assertThat(leader).as("leader before kill %d", round).isPositive();
                System.out.printf("kill -9 of leader node %d (round %d) after %d increments%n",
                        leader, round, acknowledgedTotal.sum());
                cluster.node(leader).kill9();
                awaitProgress(acknowledgedTotal, "after killing leader " + leader);
                cluster.node(leader).start();
                awaitProgress(acknowledgedTotal, "after restarting node " + leader);
            }
            stop.set(true);
            for (Thread worker : threads) worker.join(TimeUnit.SECONDS.toMillis(40));
            for (Thread worker : threads) assertThat(worker.isAlive()).as(worker.getName()).isFalse();

            long retries = client.retriesTotal();
            System.out.printf("acknowledged=%d unknown=%d otherErrors=%d retries=%d leaderChanges=%d"
                            + " sessions=%d elapsed=%d ms%n", acknowledgedTotal.sum(), unknownCount.sum(),
                    otherErrors.size(), retries, client.leaderChangesTotal(), client.sessionsOpened(),
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(otherErrors).as("errors other than unknown outcome").isEmpty();
            assertThat(unknownCount.sum()).as("unknown outcomes with retries enabled").isZero();
            for (int counter = 0; counter < COUNTERS_COUNT; counter++) {
                String value = client.blocking().get("counter" + counter);
                long stored = value == null ? 0 : Long.parseLong(value);
                System.out.printf("counter%d stored=%d acknowledged=%d%n", counter, stored,
                        acknowledged.get(counter));
                assertThat(stored).as("counter%d: stored vs acknowledged increments (lower = lost,"
                        + " higher = duplicated)", counter).isEqualTo(acknowledged.get(counter));
            }
        }
    }

    private static void awaitProgress(LongAdder acknowledgedTotal, String when) {
        long from = acknowledgedTotal.sum();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
        while (acknowledgedTotal.sum() < from + PROGRESS_INCREMENTS_COUNT) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no progress " + when + ": " + (acknowledgedTotal.sum() - from)
                        + " increments in " + STEP_TIMEOUT_MILLIS + " ms");
            }
            ServerNodes.sleepMillis(10);
        }
    }
}
