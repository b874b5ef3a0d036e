package kv.server.eventual;

import kv.server.Assert;
import kv.server.Limits;

/**
 * Configuration of one eventual replica.
 *
 * <ul>
 *   <li>{@code writeTimeoutNanos}, {@code readTimeoutNanos}: how long a QUORUM or ALL request
 *       waits for replicas before it is answered -UNAVAILABLE. Longer rides out slow peers;
 *       shorter answers sooner in a partition. 1 s is several round trips on a LAN.
 *   <li>{@code pushRetryNanos}: a push batch not acknowledged in this time, with no ack progress
 *       from that peer either, is sent again. A link that breaks resends at once when it is
 *       back (EventualReplica#onLink), so this covers frames dropped by a full queue; too short,
 *       and a peer busy merging a backlog is sent it again and again. 1 s.
 *   <li>{@code pushIntervalNanos}: a peer gets a push at most once per interval, unless a
 *       QUORUM or ALL write waits for it or a full batch is due. Every push costs the peer an
 *       fsync (its ack promises durability), so under load pushing once per turn makes the peers
 *       fsync as often as this node and slows every fsync on a shared disk; 5 ms adds at most
 *       5 ms of replication lag to level-ONE writes. 0 pushes every turn.
 *   <li>{@code antiEntropyIntervalNanos}: one anti-entropy round (with the next peer in turn)
 *       per interval. A round moves at most {@link Limits#EVENTUAL_ROUND_SIZE_BYTES_MAX}.
 *   <li>{@code tombstoneSettleNanos}: a tombstone this node wrote is dropped this long after
 *       every peer acknowledged it, so no older value still in flight can come back through
 *       the gap. Longer than any frame stays queued or in flight; 5 s is generous on FIFO links.
 *   <li>{@code tombstoneGraceMillis}: a tombstone is dropped after this long (by its version's
 *       wall time) even if not every replica is known to hold it. This is the limit of the
 *       guarantee: a replica cut off for longer may bring a deleted value back.
 *   <li>{@code keyspacesMask}: the keyspaces configured eventual here, a bit per index; a
 *       value a peer sends for any other keyspace is rejected (a peer configured differently).
 * </ul>
 */
public record EventualConfig(
        int nodeIndex,
        int membersMask,
        long writeTimeoutNanos,
        long readTimeoutNanos,
        long pushRetryNanos,
        long pushIntervalNanos,
        long antiEntropyIntervalNanos,
        long tombstoneSettleNanos,
        long tombstoneGraceMillis,
        long keyspacesMask,
        EventualBrokenVariant brokenVariant) {

    public static final long MILLIS_NANOS = 1_000_000L;
    /** Every keyspace index may be eventual (tests; a node passes its configured ones). */
    public static final long ALL_KEYSPACES = -1L;

    public EventualConfig {
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "node index %d out of range", nodeIndex);
        Assert.that((membersMask & (1 << nodeIndex)) != 0, "node %d is not a member", nodeIndex);
        Assert.that(membersMask >>> Limits.REPLICAS_COUNT_MAX == 0, "members mask %d too wide",
                membersMask);
        Assert.that(writeTimeoutNanos > 0, "write timeout %d ns", writeTimeoutNanos);
        Assert.that(readTimeoutNanos > 0, "read timeout %d ns", readTimeoutNanos);
        Assert.that(pushRetryNanos > 0, "push retry %d ns", pushRetryNanos);
        Assert.that(pushIntervalNanos >= 0 && pushIntervalNanos < pushRetryNanos,
                "push interval %d ns must be below the push retry %d ns", pushIntervalNanos,
                pushRetryNanos);
        Assert.that(antiEntropyIntervalNanos > 0, "anti-entropy interval %d ns",
                antiEntropyIntervalNanos);
        Assert.that(tombstoneSettleNanos > 0, "tombstone settle %d ns", tombstoneSettleNanos);
        Assert.that(tombstoneGraceMillis > 0, "tombstone grace %d ms", tombstoneGraceMillis);
        Assert.that(keyspacesMask != 0, "no eventual keyspace");
        Assert.that(brokenVariant != null, "broken variant must be set (NONE in production)");
    }

    public static EventualConfig defaults(int nodeIndex, int membersMask) {
        return new EventualConfig(nodeIndex, membersMask, 1000 * MILLIS_NANOS,
                1000 * MILLIS_NANOS, 1000 * MILLIS_NANOS, 5 * MILLIS_NANOS, 1000 * MILLIS_NANOS,
                5000 * MILLIS_NANOS, 24L * 3600 * 1000, ALL_KEYSPACES, EventualBrokenVariant.NONE);
    }

    /** The same, with only the keyspaces set in {@code mask} (bit per index) eventual here. */
    public EventualConfig withKeyspaces(long mask) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, pushIntervalNanos, antiEntropyIntervalNanos, tombstoneSettleNanos,
                tombstoneGraceMillis, mask, brokenVariant);
    }

    /** True if keyspace {@code index} is eventual here. */
    public boolean isEventualKeyspace(int index) {
        return index >= 0 && index < Long.SIZE && (keyspacesMask & 1L << index) != 0;
    }

    public int replicasCount() {
        return Integer.bitCount(membersMask);
    }

    public boolean isPeer(int index) {
        return index != nodeIndex && index >= 0 && index < Limits.REPLICAS_COUNT_MAX
                && (membersMask & (1 << index)) != 0;
    }

    public EventualConfig withBrokenVariant(EventualBrokenVariant variant) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, pushIntervalNanos, antiEntropyIntervalNanos, tombstoneSettleNanos,
                tombstoneGraceMillis, keyspacesMask, variant);
    }

    public EventualConfig withTimings(long writeTimeoutNanos, long readTimeoutNanos,
                                      long pushRetryNanos, long antiEntropyIntervalNanos) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, pushIntervalNanos, antiEntropyIntervalNanos, tombstoneSettleNanos,
                tombstoneGraceMillis, keyspacesMask, brokenVariant);
    }

    public EventualConfig withPushIntervalNanos(long intervalNanos) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, intervalNanos, antiEntropyIntervalNanos, tombstoneSettleNanos,
                tombstoneGraceMillis, keyspacesMask, brokenVariant);
    }

    public EventualConfig withTombstoneSettleNanos(long settleNanos) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, pushIntervalNanos, antiEntropyIntervalNanos, settleNanos,
                tombstoneGraceMillis, keyspacesMask, brokenVariant);
    }

    public EventualConfig withTombstoneGraceMillis(long graceMillis) {
        return new EventualConfig(nodeIndex, membersMask, writeTimeoutNanos, readTimeoutNanos,
                pushRetryNanos, pushIntervalNanos, antiEntropyIntervalNanos, tombstoneSettleNanos,
                graceMillis, keyspacesMask, brokenVariant);
    }
}
