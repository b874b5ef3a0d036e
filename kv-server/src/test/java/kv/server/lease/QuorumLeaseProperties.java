package kv.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Quorum-lease arithmetic and protocol against naive models (Moraru et al., SoCC 2014,
 * section 3: "safety needs only a bounded clock drift rate"; STYLE.md section 8, after
 * etcd-io/raft {@code quorum/quick_test.go}).
 */
class QuorumLeaseProperties {
    /**
     * For every lease length and drift bound, a holder's count of ticks on a clock as slow as
     * the bound allows ends no later in true time than a grantor's count on a clock as fast as
     * the bound allows, less the tick by which the grantor may have lagged when it started.
     */
    @Property
    void shortenedLeaseEndsBeforeLengthenedGrant(
            @ForAll @IntRange(min = 2, max = 100_000) int leaseTicks,
            @ForAll @IntRange(min = 0, max = LeaseConfig.CLOCK_DRIFT_PPM_MAX) int driftPpm) {
        LeaseConfig config = new LeaseConfig(1, 0b111, leaseTicks, 1, 1, driftPpm);
        double bound = driftPpm / (double) LeaseConfig.PPM;
        double holderTrue = config.holderLeaseTicks() * (1 + bound);
        double grantorTrue = (config.grantorLeaseTicks() - 1) * (1 - bound);
        assertThat(holderTrue).isLessThanOrEqualTo(grantorTrue + 1e-9);
        assertThat(config.holderGuardTicks()).isLessThanOrEqualTo(config.guardDurationTicks());
    }

    /** validUntil is the floor(N/2)-th largest expiry among the others: sort and pick. */
    @Property
    void validUntilIsTheQuorumThLargestExpiry(
            @ForAll @IntRange(min = 1, max = 7) int membersCount,
            @ForAll @IntRange(min = 0, max = 6) int self,
            @ForAll("expiries") List<Long> expiries) {
        int membersMask = (1 << membersCount) - 1;
        int selfIndex = self % membersCount;
        long[] expiry = new long[7];
        for (int i = 0; i < 7; i++) expiry[i] = expiries.get(i);
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < membersCount; i++) if (i != selfIndex) others.add(expiry[i]);
        others.sort((a, b) -> Long.compare(b, a));
        int needed = membersCount / 2;
        long expected = needed == 0 ? Long.MAX_VALUE : others.get(needed - 1);
        assertThat(QuorumLease.validUntil(expiry, membersMask & ~(1 << selfIndex),
                membersCount)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<Long>> expiries() {
        return Arbitraries.longs().between(0, 50).list().ofSize(7);
    }

    /**
     * The protocol in true time (see {@link LeaseModel}): with clocks within the drift bound,
     * delays, drops and restarts, a holder never counts a promise its grantor no longer
     * honours, no grantor acknowledges a slot a holder that may still read has not recorded,
     * and a valid lease always rests on floor(N/2) live grants.
     */
    @Property(tries = 300)
    void leaseNeverOutlivesTheGrantsItRestsOn(@ForAll("scenarios") LeaseModel.Scenario scenario) {
        String violation = new LeaseModel(scenario, LeaseModel.Variant.CORRECT).run();
        assertThat(violation).as("%s", scenario).isNull();
    }

    /**
     * The model bites: holders and grantors that ignore the drift bound (QuorumLease's test
     * switch) violate it once a slow holder is cut off from fast grantors, all at the bound.
     */
    @Test
    void ignoringTheDriftBoundViolatesTheModel() {
        assertViolated("ignoring the drift bound", 1.0, LeaseModel.Variant.IGNORE_DRIFT,
                "but the grant ended");
    }

    /** Clocks drifting at three times the bound break even the correct implementation. */
    @Test
    void driftBeyondTheBoundViolatesTheModel() {
        assertViolated("drift at 3x the bound", 3.0, LeaseModel.Variant.CORRECT,
                "but the grant ended");
    }

    /** A grantor that acknowledges slots without waiting for the holder breaks the gate. */
    @Test
    void acknowledgingWithoutWaitingViolatesTheModel() {
        assertViolated("acknowledging without waiting", 1.0, LeaseModel.Variant.WRITE_NO_WAIT,
                "has recorded only");
    }

    /** Scenarios a broken variant gets to violate the model within. */
    private static final int BROKEN_TRIES_MAX = 200;

    private static void assertViolated(String what, double driftFraction,
                                       LeaseModel.Variant variant, String expected) {
        SplittableRandom random = new SplittableRandom(42);
        String violation = null;
        int tries = 0;
        while (violation == null && tries < BROKEN_TRIES_MAX) {
            tries++;
            // A slow holder and fast grantors, drifting by driftFraction of the 5% bound; the
            // holder is cut off now and then; slots advance.
            LeaseModel.Scenario scenario = new LeaseModel.Scenario(3, 30, 20, 1, 50_000,
                    List.of(driftFraction, -driftFraction, -driftFraction), 200, 5, 0, 20, 30,
                    400, random.nextLong());
            violation = new LeaseModel(scenario, variant).run();
        }
        System.out.println(what + " violates the lease model after " + tries + " scenarios: "
                + firstLine(violation));
        assertThat(violation).isNotNull().contains(expected);
    }

    private static String firstLine(String text) {
        if (text == null) return null;
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    @Provide
    Arbitrary<LeaseModel.Scenario> scenarios() {
        Arbitrary<int[]> shape = Combinators.combine(
                Arbitraries.of(3, 5),
                Arbitraries.integers().between(2, 40),
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 20),
                Arbitraries.of(0, 10_000, 50_000, 100_000))
                .as((members, lease, guard, renew, drift) -> new int[] {members, lease,
                        Math.min(guard, lease), Math.max(1, Math.min(renew, lease / 2)), drift});
        Arbitrary<Double> fraction = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(1.0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(-1.0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.doubles().between(-1, 1)));
        Arbitrary<List<Double>> drifts = fraction.list().ofSize(5);
        Arbitrary<long[]> network = Combinators.combine(
                Arbitraries.longs().between(0, 5 * LeaseModel.PERIOD_UNITS),
                Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 100),
                Arbitraries.longs())
                .as((delay, drop, restart, partition, slot, seed) -> new long[] {delay, drop,
                        restart, partition, slot, seed});
        return Combinators.combine(shape, drifts, network).as((s, d, n) ->
                new LeaseModel.Scenario(s[0], s[1], s[2], s[3], s[4], d, n[0], (int) n[1],
                        (int) n[2], (int) n[3], (int) n[4], 300, n[5]));
    }
}
