package kv.server.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import kv.server.Limits;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;
import kv.server.storage.StateStore;
import kv.server.storage.StorageFailure;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Keyspace state in the state column family; the applied slot lives in the meta family and is
 * written in the same WriteBatch as the state it covers, so a crash never separates them.
 * Recently applied records are also kept in a {@link RecordCache} (the apply thread is the
 * only writer): lease reads on the event loops and the apply step's own reads (a key's meta
 * record, a client's session record) find them without a memtable search. The cache forgets
 * what a write replaces before RocksDB takes it and caches the new records after, before the
 * applied slot moves and before any reply of the slot leaves.
 */
public final class RocksStateStore implements StateStore {
    private static final byte[] APPLIED_SLOT_KEY = "applied-slot".getBytes(StandardCharsets.US_ASCII);

    private final RocksDB db;
    private final ColumnFamilyHandle state;
    private final ColumnFamilyHandle meta;
    /** Not synced: the log record of the slot was synced before apply, so replay recovers it. */
    private final WriteOptions writeOptions = new WriteOptions();
    private final StateReader live;
    private final StateReader cachedOnly;
    private final RecordCache cache;
    /** Meta, counter and session records: see {@link KeyRecords#isPointReadRecord}. */
    static final RecordCache.Policy POINT_READ_RECORDS = new RecordCache.Policy() {
        @Override
        public boolean caches(byte[] key) {
            return KeyRecords.isPointReadRecord(key);
        }

        @Override
        public boolean mayHoldCached(byte[] from, byte[] toExclusive) {
            return KeyRecords.rangeMayHoldPointReadRecords(from, toExclusive);
        }
    };
    private volatile long appliedSlot;

    public RocksStateStore(RocksStorage storage) {
        this(storage, Limits.STATE_RECORD_CACHE_SIZE_BYTES_MAX);
    }

    /** With a record cache of {@code cacheSizeBytesMax} (tests: a small one evicts often). */
    RocksStateStore(RocksStorage storage, long cacheSizeBytesMax) {
        this.cache = new RecordCache(cacheSizeBytesMax, POINT_READ_RECORDS);
        this.db = storage.db();
        this.state = storage.family(RocksStorage.CF_STATE);
        this.meta = storage.family(RocksStorage.CF_META);
        this.live = cache.over(new FamilyReader(db, state, null));
        this.cachedOnly = cache.over(new CachedOnlyReader(db, state));
        try {
            byte[] applied = db.get(meta, APPLIED_SLOT_KEY);
            this.appliedSlot = applied == null ? 0 : Bytes.getLong(applied, 0);
        } catch (RocksDBException e) {
            throw new StorageFailure("cannot read the applied slot: " + e.getMessage(), e);
        }
    }

    @Override
    public StateReader live() {
        return live;
    }

    @Override
    public StateReader cachedOnly() {
        return cachedOnly;
    }

    @Override
    public Snapshot snapshot() {
        org.rocksdb.Snapshot snapshot = db.getSnapshot();
        FamilyReader reader = new FamilyReader(db, state, snapshot);
        return new Snapshot() {
            @Override
            public byte[] get(byte[] key) {
                return reader.get(key);
            }

            @Override
            public StateCursor scan(byte[] from, byte[] toExclusive) {
                return reader.scan(from, toExclusive);
            }

            @Override
            public void close() {
                reader.close();
                db.releaseSnapshot(snapshot);
            }
        };
    }

    @Override
    public void write(long slot, StateWrites writes) {
        try (WriteBatch batch = new WriteBatch()) {
            RocksStorage.add(batch, state, writes);
            batch.put(meta, APPLIED_SLOT_KEY, Bytes.ofLong(slot));
            cache.writeThrough(writes, () -> db.write(writeOptions, batch));
            appliedSlot = slot;
        } catch (RocksDBException e) {
            throw new StorageFailure("state write of slot " + slot + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long appliedSlot() {
        return appliedSlot;
    }

    @Override
    public byte[] export(int[] keyspaceIndexes, long sizeBytesMax) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Snapshot snapshot = snapshot()) {
            for (int keyspace : keyspaceIndexes) {
                if (!exportKeyspace(snapshot, keyspace, out, sizeBytesMax)) return null;
            }
        }
        return out.toByteArray();
    }

    private static boolean exportKeyspace(Snapshot snapshot, int keyspace,
                                          java.io.ByteArrayOutputStream out, long sizeBytesMax) {
        byte[] prefix = {(byte) keyspace};
        try (StateCursor cursor = snapshot.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] key = cursor.key();
                byte[] value = cursor.value();
                if (out.size() + 8L + key.length + value.length > sizeBytesMax) return false;
                out.writeBytes(Bytes.ofInt(key.length));
                out.writeBytes(key);
                out.writeBytes(Bytes.ofInt(value.length));
                out.writeBytes(value);
            }
        }
        return true;
    }

    @Override
    public void replaceAll(int[] keyspaceIndexes, long slot, byte[] exported) {
        try (WriteBatch batch = new WriteBatch(); WriteOptions synced = new WriteOptions().setSync(true)) {
            for (int keyspace : keyspaceIndexes) {
                byte[] prefix = {(byte) keyspace};
                batch.deleteRange(state, prefix, Bytes.prefixEnd(prefix));
            }
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(exported);
            while (in.hasRemaining()) {
                byte[] key = new byte[in.getInt()];
                in.get(key);
                byte[] value = new byte[in.getInt()];
                in.get(value);
                kv.server.Assert.that(key.length > 0 && contains(keyspaceIndexes, key[0] & 0xff),
                        "snapshot record outside the strong keyspaces");
                batch.put(state, key, value);
            }
            batch.put(meta, APPLIED_SLOT_KEY, Bytes.ofLong(slot));
            cache.clear(); // every strong record is replaced: all reads go to RocksDB
            db.write(synced, batch);
            appliedSlot = slot;
        } catch (RocksDBException | java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new StorageFailure("installing a state snapshot at slot " + slot + " failed: " + e, e);
        }
    }

    private static boolean contains(int[] values, int value) {
        for (int candidate : values) {
            if (candidate == value) return true;
        }
        return false;
    }
}
