package kv.server.eventual;

import kv.server.Assert;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.Update;

/**
 * The newest positions of the update log with the values this node wrote there, kept in memory
 * so that pushing a batch (twice: one per peer) and truncating the log read nothing from the
 * store. A ring of consecutive positions ending at the log's last one, bounded by
 * {@link Limits#EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX} and
 * {@link Limits#EVENTUAL_PUSH_TAIL_SIZE_BYTES_MAX}: older positions (after a restart, or for a
 * peer that fell further behind) are read from the log in the store instead.
 */
final class PushTail {
    private static final int CAPACITY_INITIAL = 1024;

    private Update[] ring = new Update[CAPACITY_INITIAL];
    /** Ring index of the entry at {@link #firstSeq}. */
    private int head;
    private int count;
    /** Log position of the oldest entry held (meaningless while empty). */
    private long firstSeq;
    private long sizeBytes;

    /** Holds {@code update}, the local write logged at {@code seq}: the next log position. */
    void append(long seq, Update update) {
        Assert.that(count == 0 || seq == firstSeq + count, "push tail position %d after %d",
                seq, firstSeq + count - 1);
        int updateBytes = EventualCodec.updateSizeBytes(update);
        while (count > 0 && (count == Limits.EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX
                || sizeBytes + updateBytes > Limits.EVENTUAL_PUSH_TAIL_SIZE_BYTES_MAX)) {
            dropOldest();
        }
        if (count == 0) firstSeq = seq;
        if (count == ring.length) grow();
        ring[(head + count) % ring.length] = update;
        count++;
        sizeBytes += updateBytes;
    }

    boolean holds(long seq) {
        return count > 0 && seq >= firstSeq && seq < firstSeq + count;
    }

    /** The update logged at {@code seq}; the caller checked {@link #holds}. */
    Update get(long seq) {
        Assert.that(holds(seq), "push tail does not hold position %d", seq);
        return ring[(int) ((head + (seq - firstSeq)) % ring.length)];
    }

    /** Forgets every position below {@code seq} (truncated from the log). */
    void dropBelow(long seq) {
        while (count > 0 && firstSeq < seq) dropOldest();
    }

    /** The oldest position held, or {@code absent} when empty. */
    long firstSeq(long absent) {
        return count == 0 ? absent : firstSeq;
    }

    private void dropOldest() {
        sizeBytes -= EventualCodec.updateSizeBytes(ring[head]);
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        firstSeq++;
    }

    private void grow() {
        Update[] larger = new Update[Math.min(ring.length * 2,
                Limits.EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX)];
        Assert.that(larger.length > count, "push tail ring full at its bound %d", count);
        for (int i = 0; i < count; i++) larger[i] = ring[(head + i) % ring.length];
        ring = larger;
        head = 0;
    }
}
