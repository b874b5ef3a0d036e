package kv.server.sim;

import java.util.SplittableRandom;
import kv.server.consensus.BrokenVariant;

/**
 * One simulation's parameters. {@link #swarm} lets the seed pick the fault profile too, so a
 * run of many seeds covers calm and hostile worlds alike (tigerbeetle {@code options_swarm}).
 * Times are in microseconds of simulated time; one tick is about {@code tickPeriodMicros}.
 */
public record SimOptions(
        long seed,
        int replicaCount,
        BrokenVariant brokenVariant,
        int tickPeriodMicros,
        double clockDriftMax,
        int networkDelayMicrosMin,
        int networkDelayMicrosMax,
        double dropProbability,
        double duplicateProbability,
        double partitionProbabilityPerTick,
        boolean asymmetricPartitions,
        int partitionTicksMax,
        double crashProbabilityPerTick,
        int downTicksMax,
        double crashBeforeSyncProbability,
        double crashAfterSendProbability,
        double crashAfterPromiseProbability,
        double corruptReadProbability,
        int diskLatencyMicrosMax,
        int clientsCount,
        int thinkTicksMax,
        /** Writers pause at least this long between writes (reads stay as busy). */
        int writerThinkTicksMin,
        int clientTimeoutTicks,
        int snapshotIntervalSlots,
        int batchCommandsCountMax,
        int pipelineSlotsCountMax,
        int electionTimeoutTicksSpread,
        long sessionExpirySlots,
        int phaseOneTicks,
        int phaseTwoTicks,
        /** Every clock drifts by exactly +-clockDriftMax (sign per node), not up to it. */
        boolean clockDriftAtMax,
        /** Quorum leases: when enabled every replica holds and grants them. */
        LeaseProfile leaseProfile,
        /** How these options were made, so a failure prints the command that replays it. */
        SimProfile profile) {

    public static SimOptions swarm(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int replicaCount = random.nextBoolean() ? 3 : 5;
        // A third of the seeds switch every fault on at once; the rest toss a coin per fault.
        boolean hostile = random.nextInt(3) == 0;
        java.util.function.BooleanSupplier on = () -> hostile || random.nextBoolean();
        int delayMax = 200 + random.nextInt(random.nextBoolean() ? 2_000 : 30_000);
        return new SimOptions(
                seed,
                replicaCount,
                BrokenVariant.NONE,
                10_000,
                !on.getAsBoolean() ? 0.0 : 0.05 * random.nextDouble(),
                100,
                delayMax,
                !on.getAsBoolean() ? 0.0 : 0.2 * random.nextDouble(),
                !on.getAsBoolean() ? 0.0 : 0.1 * random.nextDouble(),
                !on.getAsBoolean() ? 0.0 : (hostile ? 0.08 : 0.02) * random.nextDouble(),
                random.nextBoolean(),
                5 + random.nextInt(60),
                !on.getAsBoolean() ? 0.0 : 0.01 * random.nextDouble(),
                random.nextBoolean() ? 1 + random.nextInt(3) : 1 + random.nextInt(60),
                !on.getAsBoolean() ? 0.0 : 0.05 * random.nextDouble(),
                !on.getAsBoolean() ? 0.0 : 0.02 * random.nextDouble(),
                !on.getAsBoolean() ? 0.0 : 0.5 * random.nextDouble(),
                !on.getAsBoolean() ? 0.0 : 0.3 * random.nextDouble(),
                !on.getAsBoolean() ? 0 : 1 + random.nextInt(random.nextBoolean() ? 200 : 5_000),
                1 + random.nextInt(4),
                random.nextInt(5),
                0,
                20 + random.nextInt(40),
                random.nextBoolean() ? 1_000_000 : 5 + random.nextInt(60),
                1 + random.nextInt(random.nextBoolean() ? 4 : 64),
                1 + random.nextInt(random.nextBoolean() ? 3 : 32),
                hostile || random.nextBoolean() ? 1 + random.nextInt(2) : 10,
                100_000,
                200 + random.nextInt(hostile ? 3000 : 1000),
                400, false, LeaseProfile.OFF, SimProfile.SWARM);
    }

    /** Every replica holds and grants quorum leases and serves reads locally. */
    public boolean leases() {
        return leaseProfile.enabled();
    }

    /** The command that replays this run: scripts/sim.sh with the seed, profile and variant. */
    public String reproduction() {
        StringBuilder out = new StringBuilder("scripts/sim.sh ").append(seed);
        if (profile != SimProfile.SWARM) out.append(" -Dsim.profile=").append(profile);
        if (brokenVariant != BrokenVariant.NONE) {
            out.append(" -Dsim.variant=").append(brokenVariant);
        }
        if (!leaseProfile.leaseReadCheckerOn()) out.append(" -Dsim.leaseReadChecker=false");
        return out.toString();
    }

    public SimOptions withBrokenVariant(BrokenVariant variant) {
        return new SimOptions(seed, replicaCount, variant, tickPeriodMicros, clockDriftMax,
                networkDelayMicrosMin, networkDelayMicrosMax, dropProbability,
                duplicateProbability, partitionProbabilityPerTick, asymmetricPartitions,
                partitionTicksMax, crashProbabilityPerTick, downTicksMax,
                crashBeforeSyncProbability, crashAfterSendProbability,
                crashAfterPromiseProbability, corruptReadProbability, diskLatencyMicrosMax,
                clientsCount, thinkTicksMax, writerThinkTicksMin, clientTimeoutTicks,
                snapshotIntervalSlots,
                batchCommandsCountMax, pipelineSlotsCountMax, electionTimeoutTicksSpread,
                sessionExpirySlots, phaseOneTicks, phaseTwoTicks, clockDriftAtMax, leaseProfile,
                profile);
    }

    /** Leases as {@code lease} says, clocks drifting up to (or exactly at) {@code driftMax}. */
    SimOptions withLeases(SimProfile newProfile, LeaseProfile lease, double driftMax,
                          boolean driftAtMax) {
        return new SimOptions(seed, replicaCount, brokenVariant, tickPeriodMicros, driftMax,
                networkDelayMicrosMin, networkDelayMicrosMax, dropProbability,
                duplicateProbability, partitionProbabilityPerTick, asymmetricPartitions,
                partitionTicksMax, crashProbabilityPerTick, downTicksMax,
                crashBeforeSyncProbability, crashAfterSendProbability,
                crashAfterPromiseProbability, corruptReadProbability, diskLatencyMicrosMax,
                clientsCount, thinkTicksMax, writerThinkTicksMin, clientTimeoutTicks,
                snapshotIntervalSlots,
                batchCommandsCountMax, pipelineSlotsCountMax, electionTimeoutTicksSpread,
                sessionExpirySlots, phaseOneTicks, phaseTwoTicks, driftAtMax, lease, newProfile);
    }

    /** Off only to show that the linearizability checker alone catches a lease variant. */
    public SimOptions withLeaseReadChecker(boolean on) {
        return withLeases(profile, leaseProfile.withLeaseReadChecker(on), clockDriftMax,
                clockDriftAtMax);
    }
}

