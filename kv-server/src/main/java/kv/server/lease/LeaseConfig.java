package kv.server.lease;

import kv.server.Assert;
import kv.server.Limits;

/**
 * Quorum-lease configuration of one strong keyspace (Moraru et al., SoCC 2014, section 3).
 * Durations are in ticks of the local monotonic clock; {@code clockDriftPpm} bounds how far
 * any clock's rate may stray from true time (parts per million), so a holder shortens every
 * duration and a grantor lengthens it.
 *
 * <p>{@code era} numbers the holder set: the bootstrap set from the node's configuration has
 * {@link #BOOTSTRAP_ERA}; a set agreed through the log (a LEASE_HOLDERS entry at slot s) has
 * era {@link #eraOfSlot eraOfSlot(s)}, so eras grow with the log and every replica derives the
 * same era for the same set. Lease messages of another era are ignored after the receiver
 * adopted the newer of the two sets. {@code holdersMask == 0} switches leases off.
 *
 * <p>Trade-off: with a 10 ms tick, a 12-tick lease and an 8-tick guard, a partitioned holder
 * delays writes by at most about 140 ms (grant lengthened, plus one tick of granularity); a
 * renewal every 3 ticks costs two small messages per holder and grantor per 30 ms.
 */
public record LeaseConfig(
        long era,
        int holdersMask,
        int leaseDurationTicks,
        int guardDurationTicks,
        int renewIntervalTicks,
        int clockDriftPpm) {

    public static final int PPM = 1_000_000;
    /** The era of the holder set a node starts with, before any LEASE_HOLDERS entry. */
    public static final long BOOTSTRAP_ERA = 1;
    /** Drift above 10% means a broken clock, not a drifting one. */
    public static final int CLOCK_DRIFT_PPM_MAX = 100_000;

    public LeaseConfig {
        Assert.that(era >= 0, "era %d", era);
        Assert.that(holdersMask >= 0 && holdersMask < (1 << Limits.REPLICAS_COUNT_MAX),
                "holders mask %d out of range", holdersMask);
        Assert.that(clockDriftPpm >= 0 && clockDriftPpm <= CLOCK_DRIFT_PPM_MAX,
                "clock drift %d ppm out of range 0..%d", clockDriftPpm, CLOCK_DRIFT_PPM_MAX);
        Assert.that(leaseDurationTicks >= 2 && leaseDurationTicks <= 100_000,
                "lease duration %d ticks out of range", leaseDurationTicks);
        Assert.that(guardDurationTicks >= 1 && guardDurationTicks <= leaseDurationTicks,
                "guard %d ticks must be within 1..lease %d ticks", guardDurationTicks,
                leaseDurationTicks);
        Assert.that(renewIntervalTicks >= 1 && renewIntervalTicks * 2 <= leaseDurationTicks,
                "renew interval %d ticks must be at most half the lease %d ticks",
                renewIntervalTicks, leaseDurationTicks);
    }

    /** Leases off: every read goes through the leader, writes never wait for holders. */
    public static LeaseConfig off() {
        return new LeaseConfig(0, 0, 12, 8, 3, 0);
    }

    /** Every member holds a lease; 12-tick lease, 8-tick guard, renew every 3 ticks. */
    public static LeaseConfig allHolders(int membersMask, int clockDriftPpm) {
        return new LeaseConfig(BOOTSTRAP_ERA, membersMask, 12, 8, 3, clockDriftPpm);
    }

    /** The era of the holder set chosen at {@code slot}: above the bootstrap era, growing. */
    public static long eraOfSlot(long slot) {
        return BOOTSTRAP_ERA + 1 + slot;
    }

    /** The same durations with another holder set. */
    public LeaseConfig withHolders(long newEra, int newHoldersMask) {
        return new LeaseConfig(newEra, newHoldersMask, leaseDurationTicks, guardDurationTicks,
                renewIntervalTicks, clockDriftPpm);
    }

    public boolean enabled() {
        return holdersMask != 0;
    }

    public boolean holds(int nodeIndex) {
        return (holdersMask & (1 << nodeIndex)) != 0;
    }

    /** A lease as the holder counts it: shortened by the drift bound, rounded down. */
    public long holderLeaseTicks() {
        return shorten(leaseDurationTicks, clockDriftPpm);
    }

    public long holderGuardTicks() {
        return shorten(guardDurationTicks, clockDriftPpm);
    }

    /**
     * A lease as the grantor counts it: lengthened by the drift bound, rounded up, plus one tick
     * because the grantor's tick count lags real time by up to a tick when it sends.
     */
    public long grantorLeaseTicks() {
        return grantorLeaseTicksOf(leaseDurationTicks, clockDriftPpm);
    }

    /** {@link #grantorLeaseTicks} of a lease of {@code leaseTicks} under {@code driftPpm}. */
    public static long grantorLeaseTicksOf(long leaseTicks, int driftPpm) {
        return lengthen(leaseTicks, driftPpm) + 1;
    }

    /** The longest a write may wait for one silent holder, in grantor ticks. */
    public long writeWaitTicksMax() {
        return grantorLeaseTicks();
    }

    static long shorten(long ticks, int driftPpm) {
        return ticks * (PPM - driftPpm) / PPM;
    }

    static long lengthen(long ticks, int driftPpm) {
        return (ticks * (PPM + driftPpm) + PPM - 1) / PPM;
    }
}
