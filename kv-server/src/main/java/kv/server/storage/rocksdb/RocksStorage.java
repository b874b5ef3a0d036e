package kv.server.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kv.server.statemachine.StateWrites;
import kv.server.storage.StorageFailure;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One RocksDB database per node with a column family per concern (DESIGN.md "Storage"):
 * consensus metadata, the log, keyspace state, eventual-mode metadata and client sessions.
 */
public final class RocksStorage implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    public static final String CF_META = "meta";
    public static final String CF_LOG = "log";
    public static final String CF_STATE = "state";
    public static final String CF_EVENTUAL = "eventual";
    public static final String CF_SESSIONS = "sessions";
    private static final String[] FAMILIES = {CF_META, CF_LOG, CF_STATE, CF_EVENTUAL, CF_SESSIONS};
    /** Memtable bloom of the state and eventual families, as a fraction of the write buffer. */
    private static final double BLOOM_MEMTABLE_SIZE_RATIO = 0.02;
    /** Table-file bloom of those families: 10 bits per key, ~1% false positives. */
    private static final double BLOOM_BITS_PER_KEY = 10;

    private final RocksDB db;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    /**
     * The state and eventual families': as the others, plus bloom filters for point reads of
     * absent keys (a merge of a new eventual key looks for its tombstone in the eventual family).
     */
    private final ColumnFamilyOptions bloomFamilyOptions;
    private final BloomFilter bloomFilter;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final Path directory;

    public RocksStorage(Path directory, long blockCacheBytes) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            blockCache = new LRUCache(blockCacheBytes);
            familyOptions = new ColumnFamilyOptions()
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache));
            // A GET of a key that is not there searched the whole memtable skiplist (up to
            // 64 MiB of random keys, cache-cold: ~3 us, a quarter of a GET's CPU) and then every
            // table file. The memtable bloom (2% of the write buffer: ~20 bits per entry at
            // 100-byte values) and table blooms (10 bits per key, ~1% false positives) answer
            // most such reads at once, for a hash per insert.
            bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY);
            bloomFamilyOptions = new ColumnFamilyOptions()
                    .setMemtablePrefixBloomSizeRatio(BLOOM_MEMTABLE_SIZE_RATIO)
                    .setMemtableWholeKeyFiltering(true)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache)
                            .setFilterPolicy(bloomFilter).setWholeKeyFiltering(true));
            options = new DBOptions().setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(2);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY,
                    familyOptions));
            for (String family : FAMILIES) {
                descriptors.add(new ColumnFamilyDescriptor(
                        family.getBytes(StandardCharsets.US_ASCII),
                        family.equals(CF_STATE) || family.equals(CF_EVENTUAL) ? bloomFamilyOptions
                                : familyOptions));
            }
            db = RocksDB.open(options, directory.toString(), descriptors, handles);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageFailure("cannot open RocksDB at " + directory + ": " + e.getMessage()
                    + "; check that the directory is writable and no other node uses it", e);
        }
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle family(String name) {
        for (int i = 0; i < FAMILIES.length; i++) {
            if (FAMILIES[i].equals(name)) return handles.get(i + 1);
        }
        throw new IllegalArgumentException("no column family " + name);
    }

    public Path directory() {
        return directory;
    }

    /** A RocksDB property (e.g. rocksdb.estimate-num-keys) of the state family, for metrics. */
    public long stateProperty(String property) {
        try {
            return db.getLongProperty(family(CF_STATE), property);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : handles) handle.close();
        db.close();
        options.close();
        familyOptions.close();
        bloomFamilyOptions.close();
        bloomFilter.close();
        blockCache.close();
    }

    /** Adds {@code writes} to {@code batch} for {@code family}, in order. */
    static void add(WriteBatch batch, ColumnFamilyHandle family, StateWrites writes)
            throws RocksDBException {
        for (StateWrites.Op op : writes.ops()) {
            if (op.rangeEnd() != null) batch.deleteRange(family, op.key(), op.rangeEnd());
            else if (op.value() == null) batch.delete(family, op.key());
            else batch.put(family, op.key(), op.value());
        }
    }
}
