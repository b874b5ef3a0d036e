package kv.bench.load;

import java.util.SplittableRandom;

/**
 * One worker's view of the workload: its own seeded random source and generators (so workers
 * never contend and a seed reproduces each thread's choices), the shared key sequences.
 */
final class ThreadWorkload {
    private static final int VALUE_POOL_SIZE_BYTES = 64 << 10;
    private static final OperationType[] TYPES = OperationType.values();

    private final WorkloadConfig config;
    private final KeySpace keySpace;
    private final SplittableRandom random;
    private final double[] cumulativeProportions = new double[TYPES.length];
    private final LongGenerator keyChooser;
    private final LongGenerator scanLengthChooser;
    /** Printable random bytes; values are slices of it, so a value costs one copy. */
    private final byte[] valuePool;

    ThreadWorkload(WorkloadConfig config, KeySpace keySpace, int threadIndex) {
        this.config = config;
        this.keySpace = keySpace;
        this.random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + threadIndex);
        double sum = 0;
        for (int i = 0; i < TYPES.length; i++) {
            sum += config.workload().proportion(TYPES[i]);
            cumulativeProportions[i] = sum;
        }
        this.keyChooser = keyChooser(config, keySpace, random);
        this.scanLengthChooser = new UniformLongGenerator(1, config.scanLengthMax(), random);
        this.valuePool = new byte[Math.max(VALUE_POOL_SIZE_BYTES,
                config.shape().fieldSizeBytes() * 2)];
        for (int i = 0; i < valuePool.length; i++) {
            valuePool[i] = (byte) (' ' + random.nextInt(95)); // printable ASCII, as YCSB
        }
    }

    private static LongGenerator keyChooser(WorkloadConfig config, KeySpace keySpace,
                                            SplittableRandom random) {
        long lastKey = config.recordCount() + config.expectedNewKeyCount() - 1;
        return switch (config.distribution()) {
            case ZIPFIAN -> new ScrambledZipfianGenerator(0, lastKey, config.zipfianConstant(),
                    random);
            case LATEST -> new SkewedLatestGenerator(keySpace.insertSequence,
                    config.zipfianConstant(), random);
            case UNIFORM -> new UniformLongGenerator(0, lastKey, random);
        };
    }

    OperationType nextOperation() {
        double draw = random.nextDouble() * cumulativeProportions[TYPES.length - 1];
        for (int i = 0; i < TYPES.length; i++) {
            if (draw < cumulativeProportions[i]) return TYPES[i];
        }
        return TYPES[TYPES.length - 1]; // draw equal to the sum: rounding only
    }

    /** A record that exists: drawn from the key chooser, redrawn while not inserted yet. */
    long nextKeyNumber() {
        long present = keySpace.insertSequence.lastValue();
        for (int attempt = 0; attempt < BenchLimits.KEY_CHOOSE_ATTEMPTS_MAX; attempt++) {
            long key = keyChooser.next();
            if (key <= present) return key;
        }
        return random.nextLong(present + 1); // only if the expected new keys were far off
    }

    int nextScanLength() {
        return (int) scanLengthChooser.next();
    }

    int nextFieldIndex() {
        return random.nextInt(config.shape().fieldCount());
    }

    byte[] nextValue() {
        int size = config.shape().fieldSizeBytes();
        int offset = random.nextInt(valuePool.length - size + 1);
        byte[] value = new byte[size];
        System.arraycopy(valuePool, offset, value, 0, size);
        return value;
    }

    byte[][] nextValues(int count) {
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) values[i] = nextValue();
        return values;
    }
}
