package kv.server.consensus;

import kv.server.Assert;
import kv.server.Limits;

/**
 * Majority arithmetic over node bitmasks (bit i = node index i). Bitmasks instead of sets: no
 * allocation, no iteration order to get wrong (etcd-io/raft {@code quorum/majority.go}).
 */
public final class Quorum {
    private Quorum() {}

    public static int bit(int nodeIndex) {
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "node index %d out of range", nodeIndex);
        return 1 << nodeIndex;
    }

    public static int size(int membersMask) {
        return Integer.bitCount(membersMask);
    }

    /** Smallest number of members any two of which intersect: floor(n / 2) + 1. */
    public static int majority(int membersMask) {
        return size(membersMask) / 2 + 1;
    }

    /** True if the votes among members form a majority of members. */
    public static boolean reached(int votesMask, int membersMask) {
        Assert.that(membersMask != 0, "empty membership");
        return Integer.bitCount(votesMask & membersMask) >= majority(membersMask);
    }

    /** All members 0..count-1. */
    public static int firstMembers(int count) {
        Assert.that(count >= 1 && count <= Limits.REPLICAS_COUNT_MAX,
                "replica count %d out of range", count);
        return (1 << count) - 1;
    }
}
