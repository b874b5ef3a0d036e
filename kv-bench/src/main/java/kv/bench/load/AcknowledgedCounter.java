package kv.bench.load;

/**
 * Record numbers for run-phase inserts, shared by all workers. A number is handed out before
 * the insert and acknowledged after it succeeded; {@link #lastValue()} is the highest number
 * below which every insert is acknowledged, so readers ("latest", and the zipfian's rejection
 * of keys not yet inserted) never ask for a record that is still in flight (YCSB's
 * AcknowledgedCounterGenerator).
 *
 * <p>Invariant: numbers in (limit, limit + ACKNOWLEDGE_WINDOW_COUNT] are tracked in a ring;
 * a slot is set once acknowledged and cleared when the limit passes it. A failed insert is
 * acknowledged too (its record may be missing; readers then count a not-found error), so one
 * failure cannot freeze "latest".
 */
final class AcknowledgedCounter {
    private final CounterGenerator counter;
    private final boolean[] window = new boolean[BenchLimits.ACKNOWLEDGE_WINDOW_COUNT];
    private volatile long limit;

    /** The first number handed out is start; numbers below it count as present (loaded). */
    AcknowledgedCounter(long start) {
        this.counter = new CounterGenerator(start);
        this.limit = start - 1;
    }

    long next() {
        return counter.next();
    }

    long lastValue() {
        return limit;
    }

    synchronized void acknowledge(long value) {
        long ahead = value - limit;
        BenchLimits.check(ahead > 0, "a number is acknowledged once, after it was handed out");
        if (ahead > BenchLimits.ACKNOWLEDGE_WINDOW_COUNT) {
            throw new IllegalStateException("insert " + value + " is " + ahead
                    + " ahead of the acknowledged limit " + limit + "; window is "
                    + BenchLimits.ACKNOWLEDGE_WINDOW_COUNT + " inserts");
        }
        window[slot(value)] = true;
        long advanced = limit;
        while (window[slot(advanced + 1)]) { // bounded: at most the window size
            window[slot(advanced + 1)] = false;
            advanced++;
        }
        limit = advanced;
    }

    private static int slot(long value) {
        return (int) Math.floorMod(value, (long) BenchLimits.ACKNOWLEDGE_WINDOW_COUNT);
    }
}
