package kv.server.eventual;

import java.util.TreeMap;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.Bytes;

/**
 * The newest positions of the update log with the values this node wrote there, kept in memory
 * so that pushing a batch (twice: one per peer) and truncating the log read nothing from the
 * store. A ring of consecutive positions ending at the log's last one, bounded by
 * {@link Limits#EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX} and
 * {@link Limits#EVENTUAL_PUSH_TAIL_SIZE_BYTES_MAX}: older positions (after a restart, or for a
 * peer that fell further behind) are read from the log in the store instead.
 *
 * <p>Each entry knows whether its key changed since (a later local write, a merged newer value, a
 * collected tombstone: {@link #onKeyChanged}), so a push sends the logged value of an unchanged
 * key without reading its version from the store.
 */
final class PushTail {
    private static final int CAPACITY_INITIAL = 1024;

    /** One logged write; {@code superseded} once its key changed after it. */
    static final class Entry {
        final Update update;
        final byte[] compound;
        boolean superseded;

        Entry(Update update, byte[] compound) {
            this.update = update;
            this.compound = compound;
        }
    }

    private Entry[] ring = new Entry[CAPACITY_INITIAL];
    /** Per key held (keyspace byte + key): its newest entry, the only one not superseded. */
    private final TreeMap<byte[], Entry> newestByKey = new TreeMap<>(Bytes.ORDER);
    /** Ring index of the entry at {@link #firstSeq}. */
    private int head;
    private int count;
    /** Log position of the oldest entry held (meaningless while empty). */
    private long firstSeq;
    private long sizeBytes;

    /**
     * Holds {@code update}, the local write logged at {@code seq}: the next log position. Its
     * key's change was reported already ({@link #onKeyChanged}), so it starts unsuperseded.
     */
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
        Entry entry = new Entry(update, EventualLayout.compound(update.keyspace(), update.key()));
        ring[(head + count) % ring.length] = entry;
        newestByKey.put(entry.compound, entry);
        count++;
        sizeBytes += updateBytes;
    }

    /** The key's value changed here (any cause): its entries no longer hold its value. */
    void onKeyChanged(int keyspace, byte[] key) {
        Entry newest = newestByKey.remove(EventualLayout.compound(keyspace, key));
        if (newest != null) newest.superseded = true;
    }

    boolean holds(long seq) {
        return count > 0 && seq >= firstSeq && seq < firstSeq + count;
    }

    /** The entry logged at {@code seq}; the caller checked {@link #holds}. */
    Entry get(long seq) {
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
        Entry oldest = ring[head];
        if (!oldest.superseded) newestByKey.remove(oldest.compound);
        sizeBytes -= EventualCodec.updateSizeBytes(oldest.update);
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        firstSeq++;
    }

    private void grow() {
        Entry[] larger = new Entry[Math.min(ring.length * 2,
                Limits.EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX)];
        Assert.that(larger.length > count, "push tail ring full at its bound %d", count);
        for (int i = 0; i < count; i++) larger[i] = ring[(head + i) % ring.length];
        ring = larger;
        head = 0;
    }
}
