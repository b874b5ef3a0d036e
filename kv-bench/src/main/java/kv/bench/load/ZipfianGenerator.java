package kv.bench.load;

import java.util.random.RandomGenerator;

/**
 * Zipfian record numbers in [min, min + itemCount): item 0 is the most popular, item i has
 * weight 1 / (i + 1)^theta. The algorithm is the one YCSB uses, from Gray et al., "Quickly
 * Generating Billion-Record Synthetic Databases" (SIGMOD 1994): the first two items are drawn
 * exactly, the rest by the closed-form approximation with {@code eta} and {@code alpha}.
 *
 * <p>The item count may grow between draws ({@link #next(long)}, used by "latest"): zeta is
 * then extended incrementally from the count it was last computed for, not recomputed.
 */
final class ZipfianGenerator implements LongGenerator {
    static final double ZIPFIAN_CONSTANT_DEFAULT = 0.99;

    private final long min;
    private final double theta;
    private final double alpha;
    private final double zeta2Theta;
    private final RandomGenerator random;
    private long itemCount;
    /** zeta(countForZeta, theta): sum over i in [1, countForZeta] of 1 / i^theta. */
    private double zetaN;
    private long countForZeta;
    private double eta;

    ZipfianGenerator(long min, long itemCount, double theta, RandomGenerator random) {
        this(min, itemCount, theta, zeta(0, itemCount, theta, 0), random);
    }

    /** With zeta(itemCount, theta) already known, for item counts too large to sum. */
    ZipfianGenerator(long min, long itemCount, double theta, double zetaN,
                     RandomGenerator random) {
        BenchLimits.check(itemCount >= 1, "a zipfian needs at least one item");
        BenchLimits.check(theta > 0 && theta < 1, "the zipfian constant lies in (0, 1)");
        this.min = min;
        this.itemCount = itemCount;
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zeta2Theta = zeta(0, 2, theta, 0);
        this.zetaN = zetaN;
        this.countForZeta = itemCount;
        this.random = random;
        this.eta = eta(itemCount);
    }

    /** Sum over i in [countFrom, countTo) of 1 / (i + 1)^theta, added to sumFrom. */
    static double zeta(long countFrom, long countTo, double theta, double sumFrom) {
        double sum = sumFrom;
        for (long i = countFrom; i < countTo; i++) {
            sum += 1.0 / Math.pow(i + 1, theta);
        }
        return sum;
    }

    private double eta(long items) {
        return (1.0 - Math.pow(2.0 / items, 1.0 - theta)) / (1.0 - zeta2Theta / zetaN);
    }

    @Override
    public long next() {
        return next(itemCount);
    }

    /** One draw over [min, min + items); items may differ from the last call. */
    long next(long items) {
        BenchLimits.check(items >= 1, "a zipfian draw needs at least one item");
        if (items != countForZeta) resize(items);
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) return min;
        if (uz < 1.0 + Math.pow(0.5, theta)) return min + Math.min(1, items - 1);
        long offset = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return min + Math.min(offset, items - 1); // guards rounding at u close to 1
    }

    private void resize(long items) {
        // Growing is the common case ("latest" as inserts land): extend the sum. Shrinking
        // (never in our workloads) recomputes from scratch.
        zetaN = items > countForZeta
                ? zeta(countForZeta, items, theta, zetaN)
                : zeta(0, items, theta, 0);
        countForZeta = items;
        itemCount = items;
        eta = eta(items);
    }

    /** Probability of the most popular item, 1 / zeta(n, theta): what tests compare against. */
    double mostPopularProbability() {
        return 1.0 / zetaN;
    }
}
