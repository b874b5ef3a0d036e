package kv.server.storage.rocksdb;

import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.storage.StorageFailure;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Reads one column family, optionally pinned to a RocksDB snapshot: point gets and bounded
 * cursors. Shared by the strong state store and the eventual store.
 */
final class FamilyReader implements StateReader {
    private final RocksDB db;
    private final ColumnFamilyHandle family;
    private final ReadOptions readOptions = new ReadOptions();

    FamilyReader(RocksDB db, ColumnFamilyHandle family, org.rocksdb.Snapshot snapshot) {
        this.db = db;
        this.family = family;
        if (snapshot != null) readOptions.setSnapshot(snapshot);
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(family, readOptions, key);
        } catch (RocksDBException e) {
            throw new StorageFailure("read failed: " + e.getMessage()
                    + "; the node stops rather than answer from a damaged store", e);
        }
    }

    @Override
    public StateCursor scan(byte[] from, byte[] toExclusive) {
        return new Cursor(from, toExclusive);
    }

    /** Releases the native read options (snapshot readers are short-lived). */
    void close() {
        readOptions.close();
    }

    /** A bounded iterator; the upper bound lets RocksDB stop early. */
    private final class Cursor implements StateCursor {
        private final ReadOptions options;
        private final Slice upperBound;
        private final RocksIterator iterator;

        Cursor(byte[] from, byte[] toExclusive) {
            this.options = new ReadOptions(readOptions);
            this.upperBound = toExclusive == null ? null : new Slice(toExclusive);
            if (upperBound != null) options.setIterateUpperBound(upperBound);
            this.iterator = db.newIterator(family, options);
            iterator.seek(from);
        }

        @Override
        public boolean valid() {
            return iterator.isValid();
        }

        @Override
        public byte[] key() {
            return iterator.key();
        }

        @Override
        public byte[] value() {
            return iterator.value();
        }

        @Override
        public void next() {
            iterator.next();
        }

        @Override
        public void close() {
            iterator.close();
            options.close();
            if (upperBound != null) upperBound.close();
        }
    }
}
