package kv.server.statemachine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Buffers the writes of one apply step over a base reader, so later commands in the same step
 * read earlier ones (read-your-writes inside a batch and a transaction). Nothing reaches the base
 * until the storage layer writes {@link #writes()} atomically.
 */
public final class StateOverlay implements StateReader {
    private static final byte[] TOMBSTONE = new byte[0];

    private final StateReader base;
    /** Latest buffered value per key; TOMBSTONE (by identity) marks a delete. */
    private final NavigableMap<byte[], byte[]> buffered = new TreeMap<>(Bytes.ORDER);
    /** Ranges deleted in this step; a key in one reads absent unless buffered after it. */
    private final List<byte[][]> deletedRanges = new ArrayList<>();
    private final List<StateWrites.Op> ops = new ArrayList<>();

    public StateOverlay(StateReader base) {
        this.base = base;
    }

    public void put(byte[] key, byte[] value) {
        buffered.put(key, value);
        ops.add(new StateWrites.Op(key, value, null));
    }

    public void delete(byte[] key) {
        buffered.put(key, TOMBSTONE);
        ops.add(new StateWrites.Op(key, null, null));
    }

    public void deleteRange(byte[] from, byte[] toExclusive) {
        buffered.subMap(from, true, toExclusive, false).clear();
        deletedRanges.add(new byte[][] {from, toExclusive});
        ops.add(new StateWrites.Op(from, null, toExclusive));
    }

    /** True if this overlay put or deleted {@code key} itself (a deleted range does not count). */
    public boolean buffers(byte[] key) {
        return buffered.containsKey(key);
    }

    public StateWrites writes() {
        return new StateWrites(List.copyOf(ops));
    }

    /**
     * The same resulting state as {@link #writes()} in as few operations as possible, sorted: the
     * range deletes first, then the latest write of each key in key order. RocksDB inserts a
     * batch into its memtable skiplist in batch order and starts each insert from where the
     * previous one ended, so keys in order (update log positions are consecutive) can take a
     * short step instead of a search from the top of a cache-cold skiplist. Memtable inserts
     * were 37-42% of the eventual driver's CPU per SET; alternating runs did not show the
     * ordering's gain above the noise (kv-bench/RESULTS.md), the fewer operations stay.
     */
    public StateWrites sortedWrites() {
        List<StateWrites.Op> sorted = new ArrayList<>(deletedRanges.size() + buffered.size());
        for (byte[][] range : deletedRanges) {
            sorted.add(new StateWrites.Op(range[0], null, range[1]));
        }
        for (Map.Entry<byte[], byte[]> entry : buffered.entrySet()) {
            byte[] value = entry.getValue();
            sorted.add(new StateWrites.Op(entry.getKey(), value == TOMBSTONE ? null : value, null));
        }
        return new StateWrites(sorted);
    }

    /** Forget every buffered write (the step was rolled back). */
    public void clear() {
        buffered.clear();
        deletedRanges.clear();
        ops.clear();
    }

    @Override
    public byte[] get(byte[] key) {
        byte[] value = buffered.get(key);
        if (value != null) return value == TOMBSTONE ? null : value;
        if (inDeletedRange(key)) return null;
        return base.get(key);
    }

    private boolean inDeletedRange(byte[] key) {
        for (byte[][] range : deletedRanges) {
            if (Bytes.inRange(key, range[0], range[1])) return true;
        }
        return false;
    }

    @Override
    public StateCursor scan(byte[] from, byte[] toExclusive) {
        NavigableMap<byte[], byte[]> range = toExclusive == null
                ? buffered.tailMap(from, true) : buffered.subMap(from, true, toExclusive, false);
        return new MergedCursor(base.scan(from, toExclusive), range.entrySet().iterator());
    }

    /** Merges the base cursor with buffered entries; buffered wins on equal keys. */
    private final class MergedCursor implements StateCursor {
        private final StateCursor baseCursor;
        private final Iterator<Map.Entry<byte[], byte[]>> bufferedEntries;
        private Map.Entry<byte[], byte[]> nextBuffered;
        private byte[] key;
        private byte[] value;

        MergedCursor(StateCursor baseCursor, Iterator<Map.Entry<byte[], byte[]>> bufferedEntries) {
            this.baseCursor = baseCursor;
            this.bufferedEntries = bufferedEntries;
            this.nextBuffered = bufferedEntries.hasNext() ? bufferedEntries.next() : null;
            advance();
        }

        private void advance() {
            while (true) {
                skipHiddenBase();
                boolean haveBase = baseCursor.valid();
                if (nextBuffered == null && !haveBase) {
                    key = null;
                    return;
                }
                int order = nextBuffered == null ? 1 : !haveBase ? -1
                        : Bytes.ORDER.compare(nextBuffered.getKey(), baseCursor.key());
                if (order <= 0) {
                    Map.Entry<byte[], byte[]> entry = nextBuffered;
                    nextBuffered = bufferedEntries.hasNext() ? bufferedEntries.next() : null;
                    if (order == 0) baseCursor.next();
                    if (entry.getValue() == TOMBSTONE) continue;
                    key = entry.getKey();
                    value = entry.getValue();
                    return;
                }
                key = baseCursor.key();
                value = baseCursor.value();
                baseCursor.next();
                return;
            }
        }

        private void skipHiddenBase() {
            while (baseCursor.valid() && inDeletedRange(baseCursor.key())
                    && (nextBuffered == null
                        || Bytes.ORDER.compare(nextBuffered.getKey(), baseCursor.key()) != 0)) {
                baseCursor.next();
            }
        }

        @Override
        public boolean valid() {
            return key != null;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public byte[] value() {
            return value;
        }

        @Override
        public void next() {
            advance();
        }

        @Override
        public void close() {
            baseCursor.close();
        }
    }
}
