package kv.bench.load;

import java.util.random.RandomGenerator;

/**
 * Zipfian popularity with the popular items scattered over [min, max] instead of clustered at
 * min, as YCSB's default request distribution: draw from a zipfian over a huge item space
 * (10 billion), hash the draw with FNV-64, reduce modulo the item count. The popularity of
 * the hottest record is then about 1 / zeta(10^10, 0.99), roughly 3.8%, whatever the count.
 */
final class ScrambledZipfianGenerator implements LongGenerator {
    static final long ITEM_SPACE_COUNT = 10_000_000_000L;
    /** zeta(10^10, 0.99), precomputed as in YCSB: summing 10^10 terms takes minutes. */
    static final double ZETA_ITEM_SPACE_0_99 = 26.46902820178302;

    private final long min;
    private final long itemCount;
    private final ZipfianGenerator zipfian;

    ScrambledZipfianGenerator(long min, long max, double theta, RandomGenerator random) {
        BenchLimits.check(max >= min, "a scrambled zipfian needs max >= min");
        this.min = min;
        this.itemCount = max - min + 1;
        // With another constant the huge item space has no precomputed zeta; fall back to the
        // item count itself (same skew shape, popular items still scattered by the hash).
        this.zipfian = theta == ZipfianGenerator.ZIPFIAN_CONSTANT_DEFAULT
                ? new ZipfianGenerator(0, ITEM_SPACE_COUNT, theta, ZETA_ITEM_SPACE_0_99, random)
                : new ZipfianGenerator(0, itemCount, theta, random);
    }

    @Override
    public long next() {
        return min + Math.floorMod(KeyHash.fnv64(zipfian.next()), itemCount);
    }
}
