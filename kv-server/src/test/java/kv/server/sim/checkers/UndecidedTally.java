package kv.server.sim.checkers;

/**
 * Counts register histories the linearizability checker could not decide within its budget
 * across a run of many seeds. An UNKNOWN is not a pass: a run in which more than
 * {@link #UNDECIDED_FRACTION_MAX} of the histories stay undecided fails, so a checker that
 * quietly gives up on the hard (often the interesting) histories cannot look green.
 */
public final class UndecidedTally {
    /** At most 1 history in 100 may stay undecided; today's runs decide every one. */
    public static final double UNDECIDED_FRACTION_MAX = 0.01;

    private long historiesCount;
    private long undecidedCount;
    private long firstUndecidedSeed = -1;

    public synchronized void add(long seed, long histories, long undecided) {
        historiesCount += histories;
        undecidedCount += undecided;
        if (undecided > 0 && (firstUndecidedSeed < 0 || seed < firstUndecidedSeed)) {
            firstUndecidedSeed = seed;
        }
    }

    public synchronized long historiesCount() {
        return historiesCount;
    }

    public synchronized long undecidedCount() {
        return undecidedCount;
    }

    /** Null while few enough histories are undecided, else why the run fails. */
    public synchronized String failure() {
        if (undecidedCount <= historiesCount * UNDECIDED_FRACTION_MAX) return null;
        return "the linearizability checker left " + undecidedCount + " of " + historiesCount
                + " register histories undecided (limit " + UNDECIDED_FRACTION_MAX * 100
                + "%); first at seed " + firstUndecidedSeed + ": raise the search budget or"
                + " shorten the histories";
    }
}
