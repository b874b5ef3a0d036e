package kv.server.sim;

import kv.server.lease.LeaseConfig;

/**
 * Quorum-lease settings of one simulated run: whether every replica holds and grants leases,
 * their shape in ticks, the drift bound the configuration assumes, and whether the
 * {@link kv.server.sim.checkers.LeaseReadChecker} runs (off only to show that the
 * linearizability checker alone catches a broken lease variant).
 */
record LeaseProfile(
        boolean enabled,
        int leaseDurationTicks,
        int guardDurationTicks,
        int renewIntervalTicks,
        int clockDriftBoundPpm,
        boolean leaseReadCheckerOn) {

    /**
     * The drift bound the lease configuration assumes: 5%, the most {@link SimOptions#swarm}
     * lets a clock drift, so drift stays within the bound unless a profile says otherwise.
     */
    static final int CLOCK_DRIFT_BOUND_PPM = 50_000;

    static final LeaseProfile OFF = new LeaseProfile(false, 12, 8, 3, 0, true);

    /** The production default: 12-tick lease, 8-tick guard, renewed every 3 ticks. */
    static final LeaseProfile STANDARD = new LeaseProfile(true, 12, 8, 3,
            CLOCK_DRIFT_BOUND_PPM, true);

    /**
     * A lease long enough that the drift bound matters by several ticks: 30 ticks shortened by
     * 5% is 28 at the holder and lengthened is 33 (with the tick of granularity) at the grantor,
     * so a holder or grantor that ignores the bound is off by 2 to 4 ticks when clocks drift at
     * the bound. The grantor's 33 ticks stay below four minimum election timeouts (40 ticks),
     * as {@link kv.server.consensus.ReplicaConfig} requires.
     */
    static final LeaseProfile LONG = new LeaseProfile(true, 30, 20, 7, CLOCK_DRIFT_BOUND_PPM,
            true);

    /**
     * {@link #LONG}, renewed every 2 ticks. A grantor extends its grant from the newest
     * acknowledgement it has, the holder its lease from the anchor of the newest promise it got,
     * which is up to one renewal older; so a grant usually outlives the lease by up to a renewal
     * interval on top of the drift margin. Renewing often shrinks that slack below the few ticks
     * by which a mis-counted lease overlaps, so a holder cut off at a random moment exposes it.
     */
    static final LeaseProfile LONG_RENEWED_OFTEN = new LeaseProfile(true, 30, 20, 1,
            CLOCK_DRIFT_BOUND_PPM, true);

    LeaseConfig config(int membersMask) {
        if (!enabled) return LeaseConfig.off();
        return new LeaseConfig(1, membersMask, leaseDurationTicks, guardDurationTicks,
                renewIntervalTicks, clockDriftBoundPpm);
    }

    /** The configured drift bound as a fraction (0.05 for 5%). */
    double clockDriftBound() {
        return clockDriftBoundPpm / (double) LeaseConfig.PPM;
    }

    LeaseProfile withLeaseReadChecker(boolean on) {
        return new LeaseProfile(enabled, leaseDurationTicks, guardDurationTicks,
                renewIntervalTicks, clockDriftBoundPpm, on);
    }
}
