package kv.server.node;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import kv.server.Limits;

/**
 * The bounded input queue of a node-loop thread: other threads offer (never block; a full inbox
 * refuses), the loop drains a bounded number per turn so one turn stays short.
 */
final class LoopInbox<T> {
    private static final long JOIN_TIMEOUT_MILLIS = 10_000;

    private final ArrayBlockingQueue<T> queue = new ArrayBlockingQueue<>(Limits.INBOUND_QUEUE_COUNT_MAX);

    /** False if the inbox is full: the caller answers -BUSY or drops a retransmittable frame. */
    boolean offer(T item) {
        return queue.offer(item);
    }

    /**
     * Waits up to {@code waitNanos} for a first input (0: do not wait), then takes whatever else
     * is queued, until {@code out} holds {@link Limits#INBOUND_DRAIN_COUNT_MAX} in all.
     */
    void drainInto(List<T> out, long waitNanos) throws InterruptedException {
        int room = Limits.INBOUND_DRAIN_COUNT_MAX - out.size();
        if (room <= 0) return;
        T first = waitNanos <= 0 ? queue.poll() : queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (first == null) return;
        out.add(first);
        queue.drainTo(out, room - 1);
    }

    /** Waits (bounded) for a loop thread that was told to stop. */
    static void join(Thread thread) {
        try {
            thread.join(JOIN_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
