package kv.server.storage.rocksdb;

import kv.server.Limits;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;
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
 * Durable home of the eventual replicas: the keys' records in the state column family (beside
 * the strong keyspaces, under their own keyspace prefixes) and versions, tombstones, the update
 * log and per-peer progress in the eventual column family. One turn's writes to both go in one
 * WriteBatch, so a crash never separates a value from its version; synced by default, because an
 * eventual write is acknowledged after its local durable write (STYLE.md section 6, rule 6).
 */
public final class RocksEventualStore {
    private final RocksDB db;
    private final ColumnFamilyHandle state;
    private final ColumnFamilyHandle eventual;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions();
    private final StateReader stateReader;
    private final StateReader metadataReader;
    private final StateReader stateCachedOnly;
    /**
     * Recently written records of the state family: GET@ONE on an event loop skips the memtable
     * search. Not for the eventual family: its records churn (a log entry is put and deleted
     * per write): caching it cost ~4 us of G1 remembered-set refinement per SET per node, and
     * caching only the version records 1-3 us, while the drivers' CPU did not drop (measured).
     */
    private final RecordCache stateCache =
            new RecordCache(Limits.EVENTUAL_RECORD_CACHE_SIZE_BYTES_MAX);

    public RocksEventualStore(RocksStorage storage) {
        this.db = storage.db();
        this.state = storage.family(RocksStorage.CF_STATE);
        this.eventual = storage.family(RocksStorage.CF_EVENTUAL);
        this.stateReader = stateCache.over(new FamilyReader(db, state, null));
        this.metadataReader = new FamilyReader(db, eventual, null);
        this.stateCachedOnly = stateCache.over(new CachedOnlyReader(db, state));
    }

    /** Reads the state column family: the eventual keys' records. */
    public StateReader state() {
        return stateReader;
    }

    /**
     * Reads the state column family from memory only ({@link kv.server.statemachine.WouldBlock}
     * when it would need the disk): level-ONE point reads on an event loop.
     */
    public StateReader stateCachedOnly() {
        return stateCachedOnly;
    }

    /** Reads the eventual column family: versions, tombstones, update log, peer progress. */
    public StateReader metadata() {
        return metadataReader;
    }

    /**
     * Writes one turn atomically; {@code sync}: fsync the write-ahead log before returning
     * (with it every earlier unsynced write). A failure halts. The record cache forgets what
     * the batch replaces before RocksDB takes it and caches the new records once RocksDB holds
     * them, before the caller acknowledges anything in it. Only one thread (the eventual
     * driver) writes.
     */
    public void write(StateWrites stateWrites, StateWrites metadataWrites, boolean sync) {
        if (stateWrites.isEmpty() && metadataWrites.isEmpty()) return;
        try (WriteBatch batch = new WriteBatch()) {
            RocksStorage.add(batch, state, stateWrites);
            RocksStorage.add(batch, eventual, metadataWrites);
            stateCache.writeThrough(stateWrites, () -> db.write(sync ? syncWrite : plainWrite,
                    batch));
        } catch (RocksDBException e) {
            throw new StorageFailure("eventual write failed: " + e.getMessage() + "; the node "
                    + "stops rather than acknowledge a write that may not be durable", e);
        }
    }

    /** Syncs the write-ahead log: earlier unsynced writes become durable. A failure halts. */
    public void syncWal() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new StorageFailure("eventual log sync failed: " + e.getMessage() + "; the node "
                    + "stops rather than acknowledge a write that may not be durable", e);
        }
    }
}
