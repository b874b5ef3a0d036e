package kv.server.storage.rocksdb;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import kv.server.Limits;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;

/**
 * The records one writer (the eventual driver, or the strong keyspaces' apply thread) last
 * wrote to one column family, by key, in memory: a point read of a recently written key costs a hash lookup instead of a RocksDB
 * memtable search. Measured with perf on the 3-node bench (2 cores): the memtable skiplist
 * search (a 64 MiB memtable of random keys misses the CPU caches at every level) was a quarter
 * of a GET@ONE's CPU on the event loop; Redis answers from a hash.
 *
 * <p>Write-through and never ahead of the store: {@link #apply} runs after the batch is in
 * RocksDB and before anything it covers is acknowledged, so a reader (any thread) finds either
 * that record or, on a miss, reads RocksDB, which holds it too. A reader never sees a record
 * older than RocksDB's once the writer moved on: while RocksDB is ahead, the key is either
 * cached with the older record (the writer has not answered anyone yet) or not cached at all.
 * Deletes, empty records and records over
 * {@link Limits#RECORD_CACHE_RECORD_SIZE_BYTES_MAX} remove the key. Only the single
 * writer mutates, so the size accounting needs no atomics; when over
 * its size bound it drops entries in the map's own order
 * (hash order: about random), which is always safe, since a miss reads RocksDB.
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

    /** The writer persisted {@code writes}: the cache follows, in order. Writer thread only. */
    void apply(StateWrites writes) {
        for (StateWrites.Op op : writes.ops()) {
            if (op.rangeEnd() != null) {
                // Rare where the policy says a range may hold cached records (FLUSHDB); a
                // range of a hash's or sorted set's elements leaves the cache alone.
                if (policy.mayHoldCached(op.key(), op.rangeEnd())) clear();
            } else if (!policy.caches(op.key())) {
                continue; // never cached, so nothing older of it is either
            } else if (op.value() == null || op.value().length == 0
                    || op.value().length > Limits.RECORD_CACHE_RECORD_SIZE_BYTES_MAX) {
                // Empty records (scan-order and tombstone-index entries) are only ever scanned:
                // caching them would take the room of ~100,000 keys' values in the benchmark.
                remove(op.key());
            } else {
                put(op.key(), op.value());
            }
        }
        while (sizeBytes > sizeBytesMax) evictOne();
    }

    private void put(byte[] key, byte[] value) {
        byte[] old = records.put(new Key(key), value);
        sizeBytes += entryBytes(key, value) - (old == null ? 0 : entryBytes(key, old));
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
