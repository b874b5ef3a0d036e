package kv.server.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import kv.server.consensus.BrokenVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quorum leases under simulation (issue 5; Moraru et al., SoCC 2014): with every replica holding
 * and granting leases and reads served locally, histories stay linearizable under partitions,
 * crashes, delays and clock drift within the configured bound; and the checkers catch each way
 * of getting leases wrong, including clocks that drift beyond the bound.
 */
class LeaseSimulationTest {
    /** Lease seeds per CI run: the issue asks for at least 2,000 with zero violations. */
    static final int LEASE_SEEDS_COUNT = 2000;

    /**
     * Seeds a broken variant may take to be caught. Each is caught within the first few seeds
     * today; the budget leaves room for profile changes without hiding a checker gone blind.
     */
    static final int VARIANT_SEEDS_BUDGET = 300;

    @Test
    void seedsPassWithQuorumLeases() {
        SeedRunner.Outcome outcome = SeedRunner.run(SimulationTest.seedBase(), LEASE_SEEDS_COUNT,
                SimProfile.LEASES::options);
        System.out.println(outcome.summary("LEASES"));
        SimulationTest.assertPassed(outcome);
        assertTrue(outcome.localReads > LEASE_SEEDS_COUNT * 10L, "reads were served locally");
    }

    /** The lease read checker bites: a holder reading unapplied state, a write not waiting. */
    @ParameterizedTest
    @EnumSource(value = BrokenVariant.class,
            names = {"LEASE_READ_UNAPPLIED", "LEASE_WRITE_NO_WAIT"})
    void leaseReadCheckerCatches(BrokenVariant variant) {
        SimResult caught = firstCaught(SimProfile.LEASES, variant, true);
        assertTrue(caught.failure().contains("stale local read")
                || caught.failure().contains("not linearizable"), caught::failure);
    }

    /**
     * The linearizability checker bites on its own (the lease read checker off): the same two
     * variants produce histories with no linearization, and so does a holder that reads a key
     * it accepted a write to before applying it (the node's per-key rule switched off).
     */
    @ParameterizedTest
    @EnumSource(value = BrokenVariant.class,
            names = {"LEASE_READ_UNAPPLIED", "LEASE_WRITE_NO_WAIT", "LEASE_READ_PENDING_KEY"})
    void linearizabilityCheckerCatches(BrokenVariant variant) {
        SimResult caught = firstCaught(SimProfile.LEASES, variant, false);
        assertTrue(caught.failure().contains("not linearizable"), caught::failure);
    }

    /**
     * Drift at the bound: holders and grantors that ignore the drift bound read stale once
     * clocks drift by exactly the bound, and the correct implementation passes the very seed
     * that caught it (the world is not unsafe in itself). It is the drift that bites: in the
     * same world with drift-free clocks the variant was caught by 0 of 200 seeds, at the bound
     * by 22 of 200.
     */
    @Test
    void ignoringTheDriftBoundIsCaughtAtTheBound() {
        SimResult caught = firstCaught(SimProfile.LEASES_DRIFT_AT_BOUND,
                BrokenVariant.LEASE_IGNORE_DRIFT, false);
        assertTrue(caught.failure().contains("not linearizable"), caught::failure);
        SimResult correct = Simulator.run(SimProfile.LEASES_DRIFT_AT_BOUND.options(caught.seed()));
        assertTrue(correct.passed(), () -> SimulationTest.describe(correct));
    }

    /**
     * Drift beyond the bound: with clocks drifting at three times the bound the configuration
     * assumes, the correct implementation reads stale; the same seed at the bound passes.
     */
    @Test
    void driftBeyondTheBoundIsCaught() {
        SimResult caught = firstCaught(SimProfile.LEASES_DRIFT_BEYOND_BOUND, BrokenVariant.NONE,
                false);
        assertTrue(caught.failure().contains("not linearizable"), caught::failure);
        SimResult atBound = Simulator.run(SimProfile.LEASES_DRIFT_AT_BOUND.options(caught.seed()));
        assertTrue(atBound.passed(), () -> SimulationTest.describe(atBound));
    }

    /** Runs the variant until a seed fails; prints which, and fails if none within budget. */
    private static SimResult firstCaught(SimProfile profile, BrokenVariant variant,
                                         boolean leaseReadChecker) {
        SeedRunner.Outcome outcome = SeedRunner.run(SimulationTest.seedBase(),
                VARIANT_SEEDS_BUDGET, seed -> profile.options(seed).withBrokenVariant(variant)
                        .withLeaseReadChecker(leaseReadChecker));
        String what = profile + " " + variant + (leaseReadChecker ? "" : " (lease read checker"
                + " off)");
        if (outcome.failure == null) {
            fail(what + " not caught within " + VARIANT_SEEDS_BUDGET + " seeds");
        }
        SimResult result = outcome.failure;
        System.out.printf("%s caught after %d seeds (%.1f s), seed %d: %s%n  reproduce: %s%n",
                what, outcome.failureIndex + 1, outcome.seconds, result.seed(),
                SimulationTest.firstLine(result.failure()), result.reproduction());
        return result;
    }

    /**
     * Soak (-Dsim.soakProfile=NAME [-Dsim.variant=V] [-Dsim.leaseReadChecker=false]
     * [-Dsim.seeds=N]): how many seeds fail, and the first few. Skipped unless asked for.
     */
    @Test
    void soak() {
        String name = System.getProperty("sim.soakProfile");
        org.junit.jupiter.api.Assumptions.assumeTrue(name != null, "-Dsim.soakProfile not set");
        SimProfile profile = SimProfile.valueOf(name);
        BrokenVariant variant = BrokenVariant.valueOf(System.getProperty("sim.variant", "NONE"));
        boolean leaseReadChecker = !"false".equals(System.getProperty("sim.leaseReadChecker"));
        int count = Integer.getInteger("sim.seeds", 100);
        int failed = 0;
        int historyOpsMax = 0;
        StringBuilder failures = new StringBuilder();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            SimResult result = Simulator.run(profile.options(SimulationTest.seedBase() + i)
                    .withBrokenVariant(variant).withLeaseReadChecker(leaseReadChecker));
            historyOpsMax = Math.max(historyOpsMax, result.historyOpsMax());
            if (!result.passed() && ++failed <= 5) {
                failures.append("\n").append(result.reproduction()).append(": ")
                        .append(SimulationTest.firstLine(result.failure()));
            }
        }
        System.out.printf("soak %s %s: %d of %d seeds failed in %.1f s, largest history %d"
                        + " ops%s%n", profile, variant, failed, count,
                (System.nanoTime() - started) / 1e9, historyOpsMax, failures);
    }
}
