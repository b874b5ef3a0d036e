package kv.server.sim;

/** Outcome of one seed: the first failure (or null), the trace hash and a few counts. */
public record SimResult(long seed, String failure, long traceHash, long eventsCount,
                        long commandsAckedCount, long slotsChosenCount, long crashesCount,
                        long corruptionsDetectedCount, long snapshotsInstalledCount,
                        long localReadsCount) {
    public boolean passed() {
        return failure == null;
    }

    public String reproduction() {
        return "scripts/sim.sh " + seed;
    }
}
