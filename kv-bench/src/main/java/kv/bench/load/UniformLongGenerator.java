package kv.bench.load;

import java.util.random.RandomGenerator;

/** Uniform over [low, high], both inclusive: scan lengths, uniform key choice, field choice. */
final class UniformLongGenerator implements LongGenerator {
    private final long low;
    private final long span;
    private final RandomGenerator random;

    UniformLongGenerator(long low, long high, RandomGenerator random) {
        BenchLimits.check(high >= low, "uniform range needs high >= low");
        this.low = low;
        this.span = high - low + 1;
        this.random = random;
    }

    @Override
    public long next() {
        return low + random.nextLong(span);
    }
}
