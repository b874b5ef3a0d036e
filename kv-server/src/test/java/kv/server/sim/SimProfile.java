package kv.server.sim;

import java.util.SplittableRandom;

/**
 * Families of simulated worlds, each a function from a seed to {@link SimOptions}; a failure
 * prints {@code -Dsim.profile=NAME} so {@code scripts/sim.sh} replays the same world.
 */
public enum SimProfile {
    /** Consensus under the seed's faults; leases off, so every read goes through the log. */
    SWARM,
    /**
     * Quorum leases on every replica, drift always within the bound. Per seed: the swarm with
     * the standard or the long lease and clocks drifting up to the bound or exactly at it, or
     * (a quarter of the seeds) the world of {@link #LEASES_DRIFT_AT_BOUND}, or (an eighth) the
     * world of {@link #LEASES_LEADER_LINK_CUT}.
     */
    LEASES,
    /**
     * Partitions that silence one follower towards the leader (one direction: it still hears
     * the leader and talks to the others) for longer than the leader takes to drop it from the
     * lease holder set: a holder the leader cannot hear keeps live grants from the others, so
     * every write waits for it until the drop, and must keep waiting until those grants end.
     */
    LEASES_LEADER_LINK_CUT,
    /**
     * Long leases and every clock drifting exactly at +-the configured bound: the correct
     * implementation is exactly safe here, and one that ignores the bound is not.
     */
    LEASES_DRIFT_AT_BOUND,
    /** As {@link #LEASES_DRIFT_AT_BOUND}, but clocks drift at three times the bound. */
    LEASES_DRIFT_BEYOND_BOUND;

    /** How far clocks drift in {@link #LEASES_DRIFT_BEYOND_BOUND}, in multiples of the bound. */
    static final int BEYOND_BOUND_FACTOR = 3;

    /**
     * Writers pause this long in the drift worlds: a holder with an accepted write it has not
     * applied yet answers WAIT_WRITE, so under a steady stream of writes a cut-off holder never
     * reads locally, and a mis-counted lease would go unseen. Reads stay busy.
     */
    static final int WRITER_THINK_TICKS_MIN = 25;

    /** Salts the per-seed lease choices so the swarm's own draws stay as they were. */
    private static final long LEASE_CHOICE_SALT = 0x1EA5E_5EEDL;

    public SimOptions options(long seed) {
        SimOptions swarm = SimOptions.swarm(seed);
        LeaseProfile standard = LeaseProfile.STANDARD;
        double bound = standard.clockDriftBound();
        return switch (this) {
            case SWARM -> swarm;
            case LEASES -> {
                // A quarter of the seeds live in the drift world at the bound, the rest in the
                // swarm with the standard or the long lease and drift up to (or at) the bound.
                SplittableRandom random = new SplittableRandom(seed ^ LEASE_CHOICE_SALT);
                if (random.nextInt(4) == 0) yield driftWorld(seed, bound);
                if (random.nextInt(6) == 0) yield leaderLinkCutWorld(seed);
                LeaseProfile lease = random.nextInt(3) == 0 ? LeaseProfile.LONG : standard;
                boolean atBound = random.nextInt(3) == 0;
                yield swarm.withLeases(this, lease, atBound ? bound : swarm.clockDriftMax(),
                        atBound);
            }
            case LEASES_LEADER_LINK_CUT -> leaderLinkCutWorld(seed);
            case LEASES_DRIFT_AT_BOUND -> driftWorld(seed, bound);
            case LEASES_DRIFT_BEYOND_BOUND -> driftWorld(seed, bound * BEYOND_BOUND_FACTOR);
        };
    }

    /**
     * A world where drift decides: partitions that cut one replica off for about a lease or
     * longer (a holder that keeps reading while the others write without it), small network
     * delays (so a write completes and a read reaches the cut-off holder within the few ticks
     * that a mis-counted lease overlaps a grant), busy clients, and no other faults to mask it.
     */
    private SimOptions driftWorld(long seed, double driftMax) {
        SplittableRandom random = new SplittableRandom(seed);
        return new SimOptions(
                seed,
                random.nextBoolean() ? 3 : 5,
                kv.server.consensus.BrokenVariant.NONE,
                10_000,
                driftMax,
                100,
                200 + random.nextInt(2_000),
                0.0,
                0.0,
                0.02 + 0.02 * random.nextDouble(),
                false,
                40 + random.nextInt(60),
                0.0,
                1,
                0.0,
                0.0,
                0.0,
                0.0,
                random.nextInt(500),
                2 + random.nextInt(3),
                1 + random.nextInt(3),
                WRITER_THINK_TICKS_MIN,
                20 + random.nextInt(40),
                1_000_000,
                1 + random.nextInt(4),
                1 + random.nextInt(3),
                1 + random.nextInt(10),
                100_000,
                300 + random.nextInt(500),
                400, true, LeaseProfile.LONG_RENEWED_OFTEN, this);
    }

    /**
     * Three or five replicas, drift within the bound, partitions of 60 to 160 ticks that cut
     * one follower's link to the leader (Simulator#injectFaults), busy readers and writers, a
     * few lost messages (so a write can reach the others and not that holder), and no other
     * faults: a dropped holder's grants from the others are still live for a while.
     */
    private SimOptions leaderLinkCutWorld(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new SimOptions(
                seed,
                random.nextBoolean() ? 3 : 5,
                kv.server.consensus.BrokenVariant.NONE,
                10_000,
                LeaseProfile.STANDARD.clockDriftBound() * random.nextDouble(),
                100,
                200 + random.nextInt(1_000),
                0.02 + 0.08 * random.nextDouble(),
                0.0,
                0.01 + 0.02 * random.nextDouble(),
                false,
                60 + random.nextInt(100),
                0.0,
                1,
                0.0,
                0.0,
                0.0,
                0.0,
                random.nextInt(500),
                2 + random.nextInt(3),
                1 + random.nextInt(3),
                random.nextInt(3),
                20 + random.nextInt(40),
                1_000_000,
                1 + random.nextInt(4),
                1 + random.nextInt(3),
                1 + random.nextInt(10),
                100_000,
                300 + random.nextInt(500),
                400, false, LeaseProfile.STANDARD, LEASES_LEADER_LINK_CUT);
    }

    /** {@code -Dsim.profile=NAME}, or LEASES for the older {@code -Dsim.leases=true}. */
    public static SimProfile fromSystemProperties() {
        String name = System.getProperty("sim.profile");
        if (name != null) return valueOf(name);
        return Boolean.getBoolean("sim.leases") ? LEASES : SWARM;
    }
}
