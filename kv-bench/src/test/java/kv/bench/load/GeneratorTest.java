package kv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Workload generators against the YCSB definitions (Cooper et al., SoCC 2010, section 4). */
class GeneratorTest {
    private static final int DRAW_COUNT = 100_000;

    private static WorkloadConfig config(Workload workload, long recordCount) {
        return new WorkloadConfig(workload, workload.distribution, recordCount,
                RecordShape.of(10, 100), 0.99, true, false, 100, 0, 7);
    }

    /** Operation mix: each workload's proportions, within 1% over 100k operations. */
    @Test
    void operationProportionsMatchEachWorkload() {
        for (Workload workload : Workload.values()) {
            ThreadWorkload generator = new ThreadWorkload(config(workload, 1000),
                    new KeySpace(1000), 0);
            EnumMap<OperationType, Integer> counts = new EnumMap<>(OperationType.class);
            for (int i = 0; i < DRAW_COUNT; i++) {
                counts.merge(generator.nextOperation(), 1, Integer::sum);
            }
            for (OperationType type : OperationType.values()) {
                double share = counts.getOrDefault(type, 0) / (double) DRAW_COUNT;
                assertThat(share).as("%s %s", workload, type)
                        .isCloseTo(workload.proportion(type), within(0.01));
            }
        }
    }

    /** Published mixes (REFERENCE.md, YCSB core workloads). */
    @Test
    void workloadsCarryThePublishedProportions() {
        assertThat(Workload.A.readProportion).isEqualTo(0.5);
        assertThat(Workload.A.updateProportion).isEqualTo(0.5);
        assertThat(Workload.B.readProportion).isEqualTo(0.95);
        assertThat(Workload.C.readProportion).isEqualTo(1.0);
        assertThat(Workload.D.insertProportion).isEqualTo(0.05);
        assertThat(Workload.D.distribution).isEqualTo(RequestDistribution.LATEST);
        assertThat(Workload.E.scanProportion).isEqualTo(0.95);
        assertThat(Workload.F.readModifyWriteProportion).isEqualTo(0.5);
        assertThat(Workload.WRITE_ONLY.updateProportion).isEqualTo(1.0);
        assertThat(Workload.parse("write-only")).isEqualTo(Workload.WRITE_ONLY);
        assertThat(Workload.parse("workloadb")).isEqualTo(Workload.B);
        assertThat(Workload.parse("c")).isEqualTo(Workload.C);
        assertThatThrownBy(() -> Workload.parse("G")).hasMessageContaining("unknown workload");
    }

    /** Zipfian (Gray et al. 1994): item 0 drawn with probability 1 / zeta(n, theta). */
    @Test
    void zipfianMostPopularItemHasTheExpectedShare() {
        ZipfianGenerator zipfian = new ZipfianGenerator(0, 1000, 0.99, new SplittableRandom(3));
        int[] counts = new int[1000];
        for (int i = 0; i < DRAW_COUNT; i++) counts[(int) zipfian.next()]++;
        double expected = 1.0 / ZipfianGenerator.zeta(0, 1000, 0.99, 0); // about 0.129
        assertThat(zipfian.mostPopularProbability()).isCloseTo(expected, within(1e-12));
        assertThat(counts[0] / (double) DRAW_COUNT).isCloseTo(expected, within(0.005));
        // Item 1 has weight 1 / 2^0.99 of item 0; the tail is far rarer.
        assertThat(counts[1] / (double) counts[0]).isCloseTo(Math.pow(2, -0.99), within(0.05));
        assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(counts[10]);
        assertThat(counts[10]).isGreaterThan(counts[500]);
    }

    /**
     * Scrambled zipfian: the hottest record gets about 1 / zeta(10^10, 0.99) = 3.8% of draws
     * whatever the record count, and it is record fnv64(0) mod n, not record 0.
     */
    @Test
    void scrambledZipfianScattersTheHotRecords() {
        ScrambledZipfianGenerator generator = new ScrambledZipfianGenerator(0, 999, 0.99,
                new SplittableRandom(5));
        int[] counts = new int[1000];
        for (int i = 0; i < DRAW_COUNT; i++) {
            long record = generator.next();
            assertThat(record).isBetween(0L, 999L);
            counts[(int) record]++;
        }
        int hottest = 0;
        for (int i = 1; i < counts.length; i++) if (counts[i] > counts[hottest]) hottest = i;
        assertThat(hottest).isEqualTo((int) (KeyHash.fnv64(0) % 1000)); // 211
        assertThat(counts[hottest] / (double) DRAW_COUNT).isBetween(0.034, 0.044);
        long touched = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
        assertThat(touched).isGreaterThan(900); // spread over the keyspace, unlike plain zipfian
    }

    /** Latest: the newest record is the most popular, and it follows acknowledged inserts. */
    @Test
    void latestFavoursTheNewestAcknowledgedRecord() {
        AcknowledgedCounter inserts = new AcknowledgedCounter(1000);
        SkewedLatestGenerator latest = new SkewedLatestGenerator(inserts, 0.99,
                new SplittableRandom(9));
        int newestCount = 0;
        for (int i = 0; i < DRAW_COUNT; i++) {
            long record = latest.next();
            assertThat(record).isBetween(0L, 999L);
            if (record == 999) newestCount++;
        }
        assertThat(newestCount / (double) DRAW_COUNT)
                .isCloseTo(1.0 / ZipfianGenerator.zeta(0, 1000, 0.99, 0), within(0.005));
        long first = inserts.next();
        long second = inserts.next();
        inserts.acknowledge(second); // out of order: record 1000 is still in flight
        assertThat(inserts.lastValue()).isEqualTo(999);
        for (int i = 0; i < 1000; i++) assertThat(latest.next()).isLessThanOrEqualTo(999);
        inserts.acknowledge(first);
        assertThat(inserts.lastValue()).isEqualTo(1001);
        int atNewest = 0;
        for (int i = 0; i < 10_000; i++) if (latest.next() == 1001) atNewest++;
        assertThat(atNewest).isGreaterThan(1000);
    }

    /** Scan lengths: uniform over 1..100, every length seen about equally often. */
    @Test
    void scanLengthsAreUniformFromOneToMax() {
        ThreadWorkload generator = new ThreadWorkload(config(Workload.E, 1000),
                new KeySpace(1000), 0);
        int[] counts = new int[101];
        for (int i = 0; i < DRAW_COUNT; i++) {
            int length = generator.nextScanLength();
            assertThat(length).isBetween(1, 100);
            counts[length]++;
        }
        for (int length = 1; length <= 100; length++) {
            assertThat(counts[length]).as("length %d", length).isBetween(800, 1200);
        }
    }

    /** Keys never name a record that is not inserted yet, even when the chooser spans more. */
    @Test
    void keysStayWithinInsertedRecords() {
        WorkloadConfig config = new WorkloadConfig(Workload.E, RequestDistribution.ZIPFIAN, 100,
                RecordShape.of(10, 100), 0.99, true, false, 100, 10_000, 11);
        ThreadWorkload generator = new ThreadWorkload(config, new KeySpace(100), 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(generator.nextKeyNumber()).isBetween(0L, 99L);
        }
    }

    /** Key names: YCSB's "user" + FNV-64 of the record number, stable across versions. */
    @Test
    void keyHashingIsStable() {
        // Golden values computed independently (Python, FNV-1 64 over 8 little-endian octets).
        assertThat(KeyHash.fnv64(0)).isEqualTo(6284781860667377211L);
        assertThat(KeyHash.fnv64(1)).isEqualTo(8517097267634966620L);
        assertThat(KeyHash.fnv64(42)).isEqualTo(55488592825689361L);
        assertThat(KeyHash.fnv64(999_999)).isEqualTo(2744965632448235251L);
        assertThat(KeyHash.keyName(0)).isEqualTo("user6284781860667377211");
        assertThat(KeyHash.indexScore("user1")).isEqualTo("user1".hashCode());
    }

    /** Values: the configured size, printable ASCII. */
    @Test
    void valuesHaveTheConfiguredSize() {
        WorkloadConfig config = new WorkloadConfig(Workload.A, RequestDistribution.ZIPFIAN, 10,
                RecordShape.of(3, 7), 0.99, true, false, 100, 0, 1);
        ThreadWorkload generator = new ThreadWorkload(config, new KeySpace(10), 0);
        byte[][] values = generator.nextValues(3);
        assertThat(values).hasNumberOfRows(3);
        for (byte[] value : values) {
            assertThat(value).hasSize(7);
            for (byte b : value) assertThat((int) b).isBetween(32, 126);
        }
        assertThat(config.shape().fieldNames()[2]).isEqualTo("field2".getBytes());
    }
}
