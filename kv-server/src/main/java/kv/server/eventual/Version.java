package kv.server.eventual;

import kv.server.Assert;
import kv.server.Limits;

/**
 * The version of one write to an eventual key: a hybrid logical clock timestamp (see {@link Hlc})
 * and the index of the node that issued it. The total order (timestamp, then node index) is the
 * last-writer-wins order: the greater version wins on every replica. A node never issues the same
 * timestamp twice, so a version names exactly one value of a key.
 */
public record Version(long timestamp, int nodeIndex) implements Comparable<Version> {
    /** Below every issued version: what an absent key without a tombstone compares as. */
    public static final Version ZERO = new Version(0, 0);

    public Version {
        Assert.that(timestamp >= 0, "negative version timestamp %d", timestamp);
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "version node index %d out of range", nodeIndex);
    }

    @Override
    public int compareTo(Version other) {
        int byTimestamp = Long.compare(timestamp, other.timestamp);
        return byTimestamp != 0 ? byTimestamp : Integer.compare(nodeIndex, other.nodeIndex);
    }

    public boolean isNewerThan(Version other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return Hlc.physicalMillis(timestamp) + "." + Hlc.logical(timestamp) + "@" + nodeIndex;
    }
}
