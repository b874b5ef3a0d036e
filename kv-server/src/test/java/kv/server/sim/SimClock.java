package kv.server.sim;

import java.util.SplittableRandom;

/**
 * Per-node tick periods that drift within a bound: node i ticks every
 * {@code base * (1 + drift_i)} microseconds, |drift_i| <= clockDriftMax. Timeouts in the core
 * count ticks, so a fast clock times out early and a slow one late, as real clocks do.
 *
 * <p>With {@code atMax} the clocks drift by exactly the bound in the way worst for a lease: one
 * random node runs slow by clockDriftMax and every other node fast by as much. A holder on the
 * slow clock counts its lease longest in real time while every grantor counts its grant
 * shortest, so the drift margins are exactly used up and nothing else protects the lease.
 */
final class SimClock {
    private final long[] tickPeriodMicros;

    SimClock(int nodesCount, int basePeriodMicros, double driftMax, boolean atMax,
             SplittableRandom random) {
        tickPeriodMicros = new long[nodesCount];
        int slowNode = atMax ? random.nextInt(nodesCount) : -1;
        for (int i = 0; i < nodesCount; i++) {
            double drift = driftMax == 0 ? 0
                    : atMax ? (i == slowNode ? driftMax : -driftMax)
                    : (random.nextDouble() * 2 - 1) * driftMax;
            tickPeriodMicros[i] = Math.max(1, Math.round(basePeriodMicros * (1 + drift)));
        }
    }

    long tickPeriodMicros(int node) {
        return tickPeriodMicros[node];
    }
}
