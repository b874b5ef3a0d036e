package kv.server.eventual;

import java.util.ArrayDeque;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.KeyVersion;

/**
 * Tombstones this node wrote that every peer acknowledged, waiting {@code tombstoneSettleNanos}
 * before the writer drops them. Every replica holds the tombstone or something newer, but a
 * frame built before a peer merged it may still be on its way with an older value: dropped at
 * once, the tombstone would let that older value back in. Links are FIFO (one TCP connection per
 * peer pair), so such a frame normally arrives before the ack; the wait covers reordering and
 * reconnects. Bounded by {@link Limits#EVENTUAL_TOMBSTONES_SETTLING_COUNT_MAX}: past it, and
 * after a restart, tombstones go at the grace period instead.
 */
final class SettlingTombstones {
    private record Settling(KeyVersion tombstone, long dueNanos) {}

    private final ArrayDeque<Settling> queue = new ArrayDeque<>();

    /** Queues {@code tombstone} to be dropped at {@code dueNanos}; false if the queue is full. */
    boolean add(KeyVersion tombstone, long dueNanos) {
        if (queue.size() >= Limits.EVENTUAL_TOMBSTONES_SETTLING_COUNT_MAX) return false;
        queue.addLast(new Settling(tombstone, dueNanos));
        return true;
    }

    /** Drops the tombstones due by {@code nowNanos} that are still their key's value. */
    void dropDue(long nowNanos, EventualStore store, EventualStats stats) {
        int dropped = 0;
        while (!queue.isEmpty() && nowNanos - queue.peekFirst().dueNanos() >= 0
                && dropped < Limits.EVENTUAL_TOMBSTONE_GC_COUNT_MAX) {
            KeyVersion tombstone = queue.pollFirst().tombstone();
            if (store.dropTombstone(tombstone.keyspace(), tombstone.key(), tombstone.version())) {
                stats.tombstonesDropped++;
            }
            dropped++;
        }
    }
}
