package kv.bench.load;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What every bench thread shares: the key set, the time window, latency recording (an
 * HdrHistogram {@link Recorder}, safe for the client I/O threads that complete requests) and
 * error counting. A request counts when it started inside the measured window and succeeded.
 */
abstract class ClientBenchWorker extends Thread {
    /** A thread waits at most this long for in-flight room before it reports a stall. */
    static final long ROOM_WAIT_MILLIS_MAX = BenchLimits.SOCKET_TIMEOUT_MILLIS;

    final ClientBenchConfig config;
    final byte[][] keys;
    final byte[] value;
    final Recorder latencyMicros;
    final LongAdder errors;
    final ErrorSamples errorSamples;
    private final CountDownLatch start;
    /** measure start, measure end (System.nanoTime), set before {@code start} opens. */
    private final long[] window;
    private final SplittableRandom random;
    private final int threadIndex;
    /** LOAD: the next of this thread's keys (threadIndex, threadIndex + threads, ...). */
    private int loadCursor;

    ClientBenchWorker(String name, ClientBenchConfig config, int threadIndex, byte[][] keys,
            byte[] value, Recorder latencyMicros, LongAdder errors, ErrorSamples errorSamples,
            CountDownLatch start, long[] window) {
        super(name);
        setDaemon(true);
        this.config = config;
        this.threadIndex = threadIndex;
        this.keys = keys;
        this.value = value;
        this.latencyMicros = latencyMicros;
        this.errors = errors;
        this.errorSamples = errorSamples;
        this.start = start;
        this.window = window;
        this.random = new SplittableRandom(0x5EED_0000L + threadIndex);
        this.loadCursor = threadIndex;
    }

    /** The key of the next request; null when a LOAD has written all of this thread's keys. */
    final byte[] nextKey() {
        if (config.operation() != ClientBenchMain.Operation.LOAD) return keys[random.nextInt(keys.length)];
        if (loadCursor >= keys.length) return null;
        byte[] key = keys[loadCursor];
        loadCursor += config.threadCount();
        return key;
    }

    final boolean awaitStart() {
        try {
            start.await();
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Past the end of the run (LOAD has no end but its keys). */
    final boolean over(long now) {
        return config.operation() != ClientBenchMain.Operation.LOAD && now - window[1] >= 0;
    }

    final boolean measured(long begin) {
        return config.operation() != ClientBenchMain.Operation.LOAD && begin - window[0] >= 0
                && begin - window[1] < 0;
    }

    final void recordSuccess(long begin, long end, int count) {
        long micros = Math.max(1, Math.min((end - begin) / 1000, BenchLimits.LATENCY_MICROS_MAX));
        latencyMicros.recordValueWithCount(micros, count);
    }

    final void recordError(boolean measured, Throwable error) {
        if (measured) errors.increment();
        errorSamples.add((measured ? "" : "(unmeasured) ") + error);
    }

    /** A GET of a loaded key must find a value: a null is counted as an error. */
    static Throwable checkReply(ClientBenchMain.Operation operation, Object reply) {
        if (operation == ClientBenchMain.Operation.GET && reply == null) {
            return new IllegalStateException("GET found no value (run --op LOAD first)");
        }
        return null;
    }

    final int threadIndex() {
        return threadIndex;
    }
}
