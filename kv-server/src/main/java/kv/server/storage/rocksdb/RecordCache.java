package kv.server.storage.rocksdb;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import kv.server.Limits;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;
import org.rocksdb.RocksDBException;

/**
 * The records one writer (the eventual driver, or the strong keyspaces' apply thread) last
 * wrote to one column family, by key, in memory: a point read of a recently written key costs
 * a hash lookup instead of a RocksDB memtable search. Measured with perf on the 3-node bench
 * (2 cores): the memtable skiplist search (a 64 MiB memtable of random keys misses the CPU
 * caches at every level) was a quarter of a GET@ONE's CPU on the event loop; Redis answers
 * from a hash.
 *
 * <p>Write-through ({@link #writeThrough}), in two steps around the store's write: before
 * it, every cached record the batch touches is dropped (everything, for a range that may hold
 * cached records); after it, each touched key's final record is cached (never one the batch
 * replaced again), before anything the batch covers is acknowledged. While RocksDB takes the
 * batch, every key it touches is read from RocksDB, which shows a batch all at once; keys it
 * does not touch are unchanged. So a reader (any thread) never sees a record older than one it
 * saw, not even across keys: caching after the write only, a reader could find one key's new
 * record in RocksDB and then another key of the same batch still cached with its old record.
 * Only the writer fills the cache; deletes, empty records and records over
 * {@link Limits#RECORD_CACHE_RECORD_SIZE_BYTES_MAX} stay uncached. The single writer keeps the
 * size accounting without atomics; over its size bound the cache drops entries in the map's own
 * order (hash order: about random), which is always safe, since a miss reads RocksDB.
 */
final class RecordCache {
    /** Per entry beside key and value: map node, key wrapper, two array headers (64-bit JVM). */
    static final int ENTRY_OVERHEAD_BYTES = 112;

    /** Which records a cache keeps, and whether a range delete may reach any of them. */
    interface Policy {
        boolean caches(byte[] key);

        /** False only if no key in {@code [from, toExclusive)} is one {@link #caches} keeps. */
        boolean mayHoldCached(byte[] from, byte[] toExclusive);

        /** Every record; any range delete empties the cache. */
        Policy ALL = new Policy() {
            @Override
            public boolean caches(byte[] key) {
                return true;
            }

            @Override
            public boolean mayHoldCached(byte[] from, byte[] toExclusive) {
                return true;
            }
        };
    }

    private final ConcurrentHashMap<Key, byte[]> records = new ConcurrentHashMap<>();
    private final long sizeBytesMax;
    private final Policy policy;
    /** Writer thread only. */
    private long sizeBytes;
    private Iterator<Key> evictionCursor;

    RecordCache(long sizeBytesMax) {
        this(sizeBytesMax, Policy.ALL);
    }

    RecordCache(long sizeBytesMax, Policy policy) {
        this.sizeBytesMax = sizeBytesMax;
        this.policy = policy;
    }

    /** A byte[] key with content equality; the hash is computed once. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(bytes, key.bytes);
        }
    }

    /** A reader that answers cached keys from memory and the rest from {@code base}. */
    StateReader over(StateReader base) {
        return new StateReader() {
            @Override
            public byte[] get(byte[] key) {
                byte[] cached = records.get(new Key(key));
                return cached != null ? cached : base.get(key);
            }

            @Override
            public StateCursor scan(byte[] from, byte[] toExclusive) {
                return base.scan(from, toExclusive); // the store holds every cached record too
            }
        };
    }

    /** The store's write of one batch (RocksDB's, or a test's). */
    interface StoreWrite {
        void run() throws RocksDBException;
    }

    /**
     * Runs {@code write}, which persists {@code writes} atomically, with the cache kept as the
     * class comment says. Writer thread only; the caller acknowledges nothing of the batch
     * before this returns.
     */
    void writeThrough(StateWrites writes, StoreWrite write) throws RocksDBException {
        invalidate(writes);
        write.run();
        apply(writes);
    }

    /** Forgets what {@code writes} replace, before the store takes them. */
    private void invalidate(StateWrites writes) {
        for (StateWrites.Op op : writes.ops()) {
            if (op.rangeEnd() != null) {
                if (policy.mayHoldCached(op.key(), op.rangeEnd())) clear();
            } else if (policy.caches(op.key())) {
                remove(op.key());
            }
        }
    }

    /**
     * Caches each touched key's final record once the store holds {@code writes}. Only the last
     * operation of a key counts, and only after the batch's last range that may hold cached
     * records: readers that missed already saw RocksDB's final state, so caching a record the
     * batch replaced again (INCR k twice in one slot, SET k then FLUSHDB) would show it after
     * the newer one. {@link #invalidate} removed every touched key already.
     */
    private void apply(StateWrites writes) {
        List<StateWrites.Op> ops = writes.ops();
        int first = 0;
        for (int i = ops.size() - 1; i >= 0; i--) {
            StateWrites.Op op = ops.get(i);
            if (op.rangeEnd() != null && policy.mayHoldCached(op.key(), op.rangeEnd())) {
                first = i + 1;
                break;
            }
        }
        Set<Key> done = ops.size() - first > 1 ? new HashSet<>() : null;
        for (int i = ops.size() - 1; i >= first; i--) {
            StateWrites.Op op = ops.get(i);
            // Ranges past `first` hold no cached records (the policy says so); keys the
            // policy does not cache were never cached.
            if (op.rangeEnd() != null || !policy.caches(op.key())) continue;
            Key key = new Key(op.key());
            if (done != null && !done.add(key)) continue; // a later op wins
            // Deletes, empty records (only ever scanned: caching them would take the room of
            // ~100,000 keys' values in the benchmark) and large ones stay uncached.
            if (op.value() != null && op.value().length > 0
                    && op.value().length <= Limits.RECORD_CACHE_RECORD_SIZE_BYTES_MAX) {
                put(key, op.value());
            }
        }
        while (sizeBytes > sizeBytesMax) evictOne();
    }

    private void put(Key key, byte[] value) {
        byte[] old = records.put(key, value);
        sizeBytes += entryBytes(key.bytes, value) - (old == null ? 0 : entryBytes(key.bytes, old));
    }

    private void remove(byte[] key) {
        byte[] old = records.remove(new Key(key));
        if (old != null) sizeBytes -= entryBytes(key, old);
    }

    /** Forgets everything (the store's records were replaced wholesale). Writer thread only. */
    void clear() {
        records.clear();
        sizeBytes = 0;
        evictionCursor = null;
    }

    private void evictOne() {
        if (evictionCursor == null || !evictionCursor.hasNext()) {
            evictionCursor = records.keySet().iterator();
        }
        Key victim = evictionCursor.next();
        remove(victim.bytes);
    }

    private static long entryBytes(byte[] key, byte[] value) {
        return ENTRY_OVERHEAD_BYTES + key.length + value.length;
    }

    /** Bytes accounted for the cached entries (tests). */
    long sizeBytes() {
        return sizeBytes;
    }

    /** Entries cached (tests). */
    int count() {
        return records.size();
    }
}
