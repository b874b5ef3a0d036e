package kv.server.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of 3 and 5 replicas under network faults, crashes, clock jumps and wiped
 * disks; every seed must converge with no acknowledged write lost and QUORUM reads seeing
 * QUORUM writes. A failing seed reproduces with {@code -Deventual.seed=<seed>}.
 */
class EventualSimulationTest {
    private static final int SEEDS_COUNT = Integer.getInteger("eventual.seeds", 150);

    @Test
    void threeReplicas() {
        runSeeds(3);
    }

    @Test
    void fiveReplicas() {
        runSeeds(5);
    }

    private static void runSeeds(int nodesCount) {
        Long pinned = Long.getLong("eventual.seed");
        long first = pinned != null ? pinned : nodesCount * 1_000_003L;
        int count = pinned != null ? 1 : SEEDS_COUNT;
        int acknowledged = 0;
        for (long seed = first; seed < first + count; seed++) {
            EventualSimulator.Options options = EventualSimulator.Options.swarm(seed, nodesCount,
                    EventualBrokenVariant.NONE);
            EventualSimulator.Result result = EventualSimulator.run(options);
            long failedSeed = seed;
            assertThat(result.passed())
                    .as(() -> "SEED=" + failedSeed + " (reproduce: -Deventual.seed=" + failedSeed
                            + ") " + options + ": " + result.failure())
                    .isTrue();
            acknowledged += result.writesAcknowledged();
        }
        assertThat(acknowledged).as("the runs acknowledged writes").isGreaterThan(count * 10);
    }

    @Test
    void aSeedReplaysExactly() {
        EventualSimulator.Options options = EventualSimulator.Options.swarm(42, 5,
                EventualBrokenVariant.NONE);
        EventualSimulator.Result first = EventualSimulator.run(options);
        EventualSimulator.Result second = EventualSimulator.run(options);
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(second.simulatedMillis()).isEqualTo(first.simulatedMillis());
    }

    @Test
    void mergeKeepingTheOlderVersionIsCaught() {
        assertCaught(EventualBrokenVariant.MERGE_KEEPS_OLDER);
    }

    @Test
    void mergeKeepingTheOlderVersionIsCaughtWithoutTheRegisterChecker() {
        assertCaught(EventualBrokenVariant.MERGE_KEEPS_OLDER, false);
    }

    @Test
    void acknowledgingQuorumWritesEarlyIsCaught() {
        assertCaught(EventualBrokenVariant.ACK_WITHOUT_REPLICAS);
    }

    private static void assertCaught(EventualBrokenVariant variant) {
        assertCaught(variant, true);
    }

    /** The checkers bite: a deliberately broken replica fails within a few seeds. */
    private static void assertCaught(EventualBrokenVariant variant, boolean registers) {
        int failed = 0;
        String example = null;
        for (long seed = 1; seed <= 40; seed++) {
            EventualSimulator.Options options = EventualSimulator.Options.swarm(seed, 3, variant);
            if (!registers) options = options.withoutRegisters();
            EventualSimulator.Result result = EventualSimulator.run(options);
            if (!result.passed()) {
                failed++;
                if (example == null) example = "seed " + seed + ": " + result.failure();
            }
        }
        System.out.println(variant + " caught in " + failed + " of 40 seeds; e.g. " + example);
        assertThat(failed).as(variant + " must be caught").isPositive();
    }
}
