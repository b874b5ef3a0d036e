package kv.bench.load;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * One thread of an asynchronous client (kv-client, Lettuce): keeps {@code depth} requests in
 * flight through the shared client, issuing the next as soon as one completes.
 */
final class AsyncBenchWorker extends ClientBenchWorker {
    private final AsyncKv kv;
    private final Semaphore room;
    /** Set when room did not free up within ROOM_WAIT_MILLIS_MAX: the client or server hung. */
    volatile boolean stalled;

    AsyncBenchWorker(AsyncKv kv, ClientBenchConfig config, int threadIndex, byte[][] keys,
            byte[] value, Recorder latencyMicros, LongAdder errors, ErrorSamples errorSamples,
            CountDownLatch start, long[] window) {
        super("bench-" + threadIndex, config, threadIndex, keys, value, latencyMicros, errors,
                errorSamples, start, window);
        this.kv = kv;
        this.room = new Semaphore(config.depth());
    }

    @Override
    public void run() {
        if (!awaitStart()) return;
        try {
            while (true) {
                if (!room.tryAcquire(ROOM_WAIT_MILLIS_MAX, TimeUnit.MILLISECONDS)) {
                    stalled = true;
                    return;
                }
                long begin = System.nanoTime();
                byte[] key = over(begin) ? null : nextKey();
                if (key == null) {
                    room.release();
                    break;
                }
                issue(key, begin);
            }
            // Let the last requests finish, so the client closes with nothing in flight.
            if (!room.tryAcquire(config.depth(), BenchLimits.STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                stalled = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void issue(byte[] key, long begin) {
        boolean measured = measured(begin);
        CompletionStage<?> request;
        try {
            request = config.operation() == ClientBenchMain.Operation.GET ? kv.get(key) : kv.set(key, value);
        } catch (RuntimeException e) {
            recordError(measured, e);
            room.release();
            return;
        }
        request.whenComplete((reply, error) -> {
            Throwable failure = error != null ? error : checkReply(config.operation(), reply);
            if (failure != null) recordError(measured, failure);
            else if (measured) recordSuccess(begin, System.nanoTime(), 1);
            room.release();
        });
    }
}
