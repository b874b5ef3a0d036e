package kv.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/** Consecutive record numbers shared by all workers: the load phase's insert sequence. */
final class CounterGenerator {
    private final AtomicLong counter;

    CounterGenerator(long start) {
        this.counter = new AtomicLong(start);
    }

    long next() {
        return counter.getAndIncrement();
    }

    /** The last number handed out, start - 1 before the first. */
    long lastValue() {
        return counter.get() - 1;
    }
}
