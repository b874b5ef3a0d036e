package kv.server.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kv.server.consensus.Ballots;
import kv.server.consensus.DurableState;
import kv.server.consensus.Entry;
import kv.server.consensus.MessageCodec;
import kv.server.consensus.Ready;
import kv.server.statemachine.Bytes;
import kv.server.storage.StorageFailure;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The acceptor's durable state: promised ballot, chosen and snapshot prefixes and membership in
 * the meta family; accepted entries by slot in the log family (CRC32C per record). One Ready is
 * persisted as one WriteBatch with one fsync (group commit), before any message of that Ready
 * leaves the node (STYLE.md section 6, rule 2).
 */
public final class RocksConsensusStore {
    private static final byte[] PROMISED_BALLOT = key("promised-ballot");
    private static final byte[] CHOSEN_BELOW = key("chosen-below");
    private static final byte[] SNAPSHOT_BELOW = key("snapshot-below");
    private static final byte[] MEMBERS_MASK = key("members-mask");

    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle log;
    private final WriteOptions writeOptions;

    public RocksConsensusStore(RocksStorage storage, boolean fsync) {
        this.db = storage.db();
        this.meta = storage.family(RocksStorage.CF_META);
        this.log = storage.family(RocksStorage.CF_LOG);
        this.writeOptions = new WriteOptions().setSync(fsync);
    }

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Persists what the Ready asks, atomically; returns after the fsync (if enabled). */
    public void persist(Ready ready, int membersMask) {
        if (!ready.mustPersist()) return;
        try (WriteBatch batch = new WriteBatch()) {
            if (ready.durableStateChanged()) {
                batch.put(meta, PROMISED_BALLOT, Bytes.ofLong(ready.promisedBallot()));
                batch.put(meta, CHOSEN_BELOW, Bytes.ofLong(ready.chosenBelow()));
                batch.put(meta, SNAPSHOT_BELOW, Bytes.ofLong(ready.snapshotBelow()));
                batch.put(meta, MEMBERS_MASK, Bytes.ofLong(membersMask));
                if (ready.snapshotBelow() > 0) {
                    batch.deleteRange(log, Bytes.ofLong(0), Bytes.ofLong(ready.snapshotBelow()));
                }
            }
            for (Entry entry : ready.entriesToPersist()) {
                batch.put(log, Bytes.ofLong(entry.slot()),
                        RocksLogStore.withChecksum(MessageCodec.encodeEntry(entry)));
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StorageFailure("persisting consensus state failed: " + e.getMessage()
                    + "; the node stops rather than answer before its state is durable", e);
        }
    }

    /** What the replica restarts from; {@code appliedBelow} comes from the state store. */
    public DurableState load(long appliedBelow, int bootstrapMembersMask) {
        try {
            long promised = readLong(PROMISED_BALLOT, Ballots.NONE);
            long chosenBelow = readLong(CHOSEN_BELOW, 0);
            long snapshotBelow = Math.min(readLong(SNAPSHOT_BELOW, 0), appliedBelow);
            int membersMask = (int) readLong(MEMBERS_MASK, bootstrapMembersMask);
            List<Entry> entries = new ArrayList<>();
            try (RocksIterator iterator = db.newIterator(log)) {
                for (iterator.seek(Bytes.ofLong(snapshotBelow)); iterator.isValid(); iterator.next()) {
                    long slot = Bytes.getLong(iterator.key(), 0);
                    byte[] record = RocksLogStore.verified(slot, iterator.value());
                    Entry entry = MessageCodec.getEntry(ByteBuffer.wrap(record));
                    if (entry.slot() != slot) {
                        throw new StorageFailure("log record at slot " + slot + " holds slot "
                                + entry.slot() + "; the data directory is damaged", null);
                    }
                    entries.add(entry);
                }
            }
            return new DurableState(promised, chosenBelow, snapshotBelow, appliedBelow, membersMask,
                    entries);
        } catch (RocksDBException e) {
            throw new StorageFailure("loading consensus state failed: " + e.getMessage(), e);
        }
    }

    private long readLong(byte[] key, long fallback) throws RocksDBException {
        byte[] value = db.get(meta, key);
        return value == null ? fallback : Bytes.getLong(value, 0);
    }
}
