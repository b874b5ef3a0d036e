package kv.server.sim;

import java.util.SplittableRandom;

/**
 * Per-node tick periods that drift within a bound: node i ticks every
 * {@code base * (1 + drift_i)} microseconds, |drift_i| <= clockDriftMax. Timeouts in the core
 * count ticks, so a fast clock times out early and a slow one late, as real clocks do.
 */
final class SimClock {
    private final long[] tickPeriodMicros;

    SimClock(int nodesCount, int basePeriodMicros, double driftMax, SplittableRandom random) {
        tickPeriodMicros = new long[nodesCount];
        for (int i = 0; i < nodesCount; i++) {
            double drift = driftMax == 0 ? 0 : (random.nextDouble() * 2 - 1) * driftMax;
            tickPeriodMicros[i] = Math.max(1, Math.round(basePeriodMicros * (1 + drift)));
        }
    }

    long tickPeriodMicros(int node) {
        return tickPeriodMicros[node];
    }
}
