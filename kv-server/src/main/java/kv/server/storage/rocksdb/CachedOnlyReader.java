package kv.server.storage.rocksdb;

import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.WouldBlock;
import kv.server.storage.StorageFailure;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Point reads of one column family from memory only (ReadTier.BLOCK_CACHE_TIER: memtables and
 * block cache): RocksDB answers Incomplete instead of doing I/O, and this reader throws
 * {@link WouldBlock}, so a caller on a Netty event loop falls back to a thread that may block.
 */
final class CachedOnlyReader implements StateReader {
    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final ReadOptions memoryOnly = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);

    CachedOnlyReader(RocksDB db, ColumnFamilyHandle family) {
        this.db = db;
        this.family = family;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(family, memoryOnly, key);
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Incomplete) {
                throw WouldBlock.INSTANCE;
            }
            throw new StorageFailure("state read failed: " + e.getMessage()
                    + "; the node stops rather than answer from a damaged store", e);
        }
    }

    @Override
    public StateCursor scan(byte[] from, byte[] toExclusive) {
        throw WouldBlock.INSTANCE; // scans go to threads that may block
    }
}
