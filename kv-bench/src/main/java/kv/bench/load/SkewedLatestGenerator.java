package kv.bench.load;

import java.util.random.RandomGenerator;

/**
 * "Latest" (workload D): the most recently inserted records are the most popular. A zipfian
 * draw d over the records present is read as "d records before the newest", and the zipfian
 * grows with the acknowledged insert counter (YCSB's SkewedLatestGenerator; unlike YCSB this
 * can also return record 0).
 */
final class SkewedLatestGenerator implements LongGenerator {
    private final AcknowledgedCounter basis;
    private final ZipfianGenerator zipfian;

    SkewedLatestGenerator(AcknowledgedCounter basis, double theta, RandomGenerator random) {
        this.basis = basis;
        long newest = basis.lastValue();
        BenchLimits.check(newest >= 0, "latest needs at least one record");
        this.zipfian = new ZipfianGenerator(0, newest + 1, theta, random);
    }

    @Override
    public long next() {
        long newest = basis.lastValue();
        return newest - zipfian.next(newest + 1);
    }
}
