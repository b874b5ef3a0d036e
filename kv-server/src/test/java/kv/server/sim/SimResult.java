package kv.server.sim;

/**
 * Outcome of one seed: the first failure (or null), the trace hash, a few counts (among them
 * lease holder sets agreed through the log and applied, summed over nodes), and how the
 * linearizability checker fared: registers checked, registers it could not decide within its
 * search budget, operations recorded, the largest history, the longest search, and the writes
 * of unknown outcome (of which a read observed some).
 */
public record SimResult(SimOptions options, String failure, long traceHash, long eventsCount,
                        long commandsAckedCount, long slotsChosenCount, long crashesCount,
                        long corruptionsDetectedCount, long snapshotsInstalledCount,
                        long localReadsCount, long leaseHolderSetsAppliedCount,
                        int historiesCount, int undecidedCount,
                        long opsCount, int historyOpsMax, long searchStepsMax,
                        int unknownWritesCount, int unknownWritesObservedCount) {
    public long seed() {
        return options.seed();
    }

    public boolean passed() {
        return failure == null;
    }

    /** The command that replays this seed in the same world, against the same variant. */
    public String reproduction() {
        return options.reproduction();
    }
}
