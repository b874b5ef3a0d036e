package kv.server.consensus;

import kv.server.Assert;
import kv.server.Limits;

/**
 * Ballots as primitive longs: {@code (round << 8) | nodeIndex}. Unique per node because the node
 * index is part of the ballot; ordered lexicographically by (round, nodeIndex) because the round
 * occupies the high bits. Ballot 0 means "none": real rounds start at 1.
 */
public final class Ballots {
    public static final long NONE = 0;
    static final int NODE_INDEX_BITS = 8;

    static {
        Assert.that(Limits.REPLICAS_COUNT_MAX <= (1 << NODE_INDEX_BITS), "node index fits 8 bits");
    }

    private Ballots() {}

    public static long of(long round, int nodeIndex) {
        Assert.that(round >= 1, "ballot round %d must be at least 1", round);
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "node index %d out of range", nodeIndex);
        return (round << NODE_INDEX_BITS) | nodeIndex;
    }

    public static long round(long ballot) {
        return ballot >>> NODE_INDEX_BITS;
    }

    public static int nodeIndex(long ballot) {
        return (int) (ballot & ((1 << NODE_INDEX_BITS) - 1));
    }

    /** The smallest ballot of {@code nodeIndex} above every ballot seen so far. */
    public static long next(long seen, int nodeIndex) {
        return of(round(seen) + 1, nodeIndex);
    }

    /** "round.node", as in the log lines: {@code ballot=7.2}. */
    public static String toString(long ballot) {
        return round(ballot) + "." + nodeIndex(ballot);
    }
}
