package kv.server.storage.rocksdb;

import java.util.List;
import java.util.zip.CRC32C;
import kv.server.statemachine.Bytes;
import kv.server.storage.LogStore;
import kv.server.storage.StorageFailure;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The log column family: key = slot (8 bytes, big-endian), value = crc32c:4 + record. The CRC
 * is checked on every read; a mismatch stops the node instead of applying garbage.
 */
public final class RocksLogStore implements LogStore {
    private final RocksDB db;
    private final ColumnFamilyHandle log;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions();

    public RocksLogStore(RocksStorage storage) {
        this.db = storage.db();
        this.log = storage.family(RocksStorage.CF_LOG);
    }

    @Override
    public void append(long firstSlot, List<byte[]> records, boolean sync) {
        try (WriteBatch batch = new WriteBatch()) {
            long slot = firstSlot;
            for (byte[] record : records) {
                batch.put(log, Bytes.ofLong(slot++), withChecksum(record));
            }
            db.write(sync ? syncWrite : plainWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageFailure("log append at slot " + firstSlot + " failed: "
                    + e.getMessage() + "; the node stops rather than risk an unsynced ack", e);
        }
    }

    @Override
    public byte[] read(long slot) {
        byte[] stored;
        try {
            stored = db.get(log, Bytes.ofLong(slot));
        } catch (RocksDBException e) {
            throw new StorageFailure("log read at slot " + slot + " failed: " + e.getMessage(), e);
        }
        return stored == null ? null : verified(slot, stored);
    }

    @Override
    public long lastSlot() {
        try (RocksIterator iterator = db.newIterator(log)) {
            iterator.seekToLast();
            return iterator.isValid() ? Bytes.getLong(iterator.key(), 0) : 0;
        }
    }

    @Override
    public void truncateBefore(long slot) {
        try {
            db.deleteRange(log, Bytes.ofLong(0), Bytes.ofLong(slot));
        } catch (RocksDBException e) {
            throw new StorageFailure("log truncation below slot " + slot + " failed: "
                    + e.getMessage(), e);
        }
    }

    static byte[] withChecksum(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record);
        int value = (int) crc.getValue();
        byte[] out = new byte[record.length + 4];
        out[0] = (byte) (value >>> 24);
        out[1] = (byte) (value >>> 16);
        out[2] = (byte) (value >>> 8);
        out[3] = (byte) value;
        System.arraycopy(record, 0, out, 4, record.length);
        return out;
    }

    static byte[] verified(long slot, byte[] stored) {
        if (stored.length < 4) throw corrupt(slot, "record of " + stored.length + " bytes");
        CRC32C crc = new CRC32C();
        crc.update(stored, 4, stored.length - 4);
        int expected = ((stored[0] & 0xff) << 24) | ((stored[1] & 0xff) << 16)
                | ((stored[2] & 0xff) << 8) | (stored[3] & 0xff);
        if ((int) crc.getValue() != expected) throw corrupt(slot, "checksum mismatch");
        byte[] record = new byte[stored.length - 4];
        System.arraycopy(stored, 4, record, 0, record.length);
        return record;
    }

    private static StorageFailure corrupt(long slot, String what) {
        return new StorageFailure("corrupt log record at slot " + slot + " (" + what
                + "); the node stops: restore its data directory from a healthy replica", null);
    }
}
