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
    /** Bits of the node index in a {@link #stamp}. */
    static final int NODE_BITS = 3;
    /** The greatest timestamp a stamp can carry (see {@link Hlc#PHYSICAL_MILLIS_MAX}). */
    public static final long TIMESTAMP_MAX = (1L << (63 - NODE_BITS)) - 1;
    /**
     * The greatest timestamp accepted from a peer or a wall clock: 2^32 local events below
     * {@link #TIMESTAMP_MAX}, so a clock lifted to it still has room to issue greater ones.
     */
    public static final long TIMESTAMP_ACCEPTED_MAX = TIMESTAMP_MAX - (1L << 32);

    static {
        Assert.that(Limits.REPLICAS_COUNT_MAX <= 1 << NODE_BITS, "a node index fits a stamp");
    }

    public Version {
        Assert.that(timestamp >= 0 && timestamp <= TIMESTAMP_MAX,
                "version timestamp %d out of range", timestamp);
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "version node index %d out of range", nodeIndex);
    }

    /**
     * The version as one long, ordered as versions are: the stamp of a value's meta record (see
     * {@link kv.server.statemachine.KeyRecords#versionOf}), so reading the value record tells its
     * whole version and a merge needs no second record.
     */
    public long stamp() {
        return timestamp << NODE_BITS | nodeIndex;
    }

    public static Version ofStamp(long stamp) {
        return new Version(stamp >>> NODE_BITS, (int) (stamp & ((1 << NODE_BITS) - 1)));
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
