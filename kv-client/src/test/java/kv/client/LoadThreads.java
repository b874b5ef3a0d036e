package kv.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Background load for the routing tests: threads doing blocking GETs of one key and SETs of
 * their own key through one client, counting successes and keeping every error. Bounded: each
 * thread stops on {@link #close()}, and every call has the client's deadline.
 */
final class LoadThreads implements AutoCloseable {
    static final long JOIN_TIMEOUT_MILLIS = 60_000;
    static final long STEP_TIMEOUT_MILLIS = 30_000;

    final LongAdder successCount = new LongAdder();
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    LoadThreads(KvClient client, int threadsCount) {
        client.blocking().set("shared", "v");
        for (int t = 0; t < threadsCount; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                BlockingKvClient sync = client.blocking();
                for (long i = 0; !stop.get(); i++) {
                    try {
                        if (i % 4 == 0) sync.set("own" + thread, Long.toString(i));
                        else if (!"v".equals(sync.get("shared"))) throw new AssertionError("bad read");
                        successCount.increment();
                    } catch (KvException | AssertionError e) {
                        errors.add(e);
                    }
                }
            }, "load-" + t);
            worker.start();
            threads.add(worker);
        }
    }

    /** Waits until {@code count} more calls succeeded; fails the test after the step timeout. */
    void awaitProgress(long count, String when) {
        long from = successCount.sum();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MILLIS);
        while (successCount.sum() < from + count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no progress " + when + ": " + (successCount.sum() - from)
                        + " calls in " + STEP_TIMEOUT_MILLIS + " ms; errors: " + errors);
            }
            ServerNodes.sleepMillis(10);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) thread.join(JOIN_TIMEOUT_MILLIS);
        for (Thread thread : threads) {
            if (thread.isAlive()) throw new AssertionError(thread.getName() + " did not stop");
        }
    }
}
