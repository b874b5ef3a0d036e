package kv.server.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kv.server.Limits;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;
import org.junit.jupiter.api.Test;

/**
 * The eventual store's record cache is write-through and never ahead of or behind the store it
 * fronts: after every applied batch a point read through it equals a read of the store, however
 * small the cache (eviction only makes reads fall through), and deletes and large records never
 * leave an older record behind.
 */
class RecordCacheTest {
    /** The store: a sorted map, counting the point reads that reach it. */
    private final TreeMap<byte[], byte[]> store = new TreeMap<>(Bytes.ORDER);
    private int storeReads;
    private final StateReader base = new StateReader() {
        @Override
        public byte[] get(byte[] key) {
            storeReads++;
            return store.get(key);
        }

        @Override
        public StateCursor scan(byte[] from, byte[] toExclusive) {
            throw new UnsupportedOperationException();
        }
    };

    private void write(RecordCache cache, StateWrites writes) {
        try {
            cache.writeThrough(writes, () -> {
                for (StateWrites.Op op : writes.ops()) {
                    if (op.rangeEnd() != null) store.subMap(op.key(), op.rangeEnd()).clear();
                    else if (op.value() == null) store.remove(op.key());
                    else store.put(op.key(), op.value());
                }
            });
        } catch (org.rocksdb.RocksDBException e) {
            throw new AssertionError(e); // the map store never throws it
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static StateWrites.Op put(String key, byte[] value) {
        return new StateWrites.Op(bytes(key), value, null);
    }

    @Test
    void recentRecordsAreReadFromMemoryAndEqualTheStore() {
        RecordCache cache = new RecordCache(1 << 20);
        StateReader reader = cache.over(base);
        write(cache, new StateWrites(List.of(put("a", bytes("1")), put("b", bytes("2")))));
        write(cache, new StateWrites(List.of(put("a", bytes("3")))));
        assertThat(reader.get(bytes("a"))).isEqualTo(bytes("3"));
        assertThat(reader.get(bytes("b"))).isEqualTo(bytes("2"));
        assertThat(storeReads).isZero();
        assertThat(reader.get(bytes("never"))).isNull();
        assertThat(storeReads).isEqualTo(1);
        assertThat(cache.sizeBytes()).isEqualTo(2L * (RecordCache.ENTRY_OVERHEAD_BYTES + 2));
    }

    @Test
    void deletesEmptyAndLargeRecordsLeaveNoOlderRecordBehind() {
        RecordCache cache = new RecordCache(1 << 20);
        StateReader reader = cache.over(base);
        write(cache, new StateWrites(List.of(put("a", bytes("1")), put("b", bytes("2")),
                put("c", bytes("3")), put("e", bytes("4")))));
        byte[] large = new byte[Limits.RECORD_CACHE_RECORD_SIZE_BYTES_MAX + 1];
        write(cache, new StateWrites(List.of(new StateWrites.Op(bytes("a"), null, null),
                put("b", large), put("e", new byte[0]),
                new StateWrites.Op(bytes("c"), null, bytes("d")))));
        assertThat(reader.get(bytes("a"))).isNull();
        assertThat(reader.get(bytes("b"))).isEqualTo(large);
        assertThat(reader.get(bytes("c"))).isNull();
        assertThat(reader.get(bytes("e"))).isEmpty();
        assertThat(cache.count()).isZero();
        assertThat(cache.sizeBytes()).isZero();
    }

    @Test
    void theStrongPolicyKeepsPointReadRecordsAndAnElementRangeLeavesThemCached() {
        RecordCache cache = new RecordCache(1 << 20, RocksStateStore.POINT_READ_RECORDS);
        StateReader reader = cache.over(base);
        byte[] meta = {0, 1, 'h'};
        byte[] counter = {0, 0, 'k', 'e', 'y', 's'};
        byte[] fieldPrefix = {0, 2, 0, 0, 0, 1, 'h'};
        byte[] field = {0, 2, 0, 0, 0, 1, 'h', 'f'};
        byte[] session = {(byte) 0xF0, 0, 0, 0, 0, 0, 0, 0, 7};
        write(cache, new StateWrites(List.of(new StateWrites.Op(meta, bytes("m"), null),
                new StateWrites.Op(counter, bytes("1"), null),
                new StateWrites.Op(field, bytes("v"), null),
                new StateWrites.Op(session, bytes("s"), null))));
        assertThat(cache.count()).as("meta, counter and session records; not the field")
                .isEqualTo(3);
        // HDEL of the whole hash / SET over it: its fields go by range, the cache keeps the rest.
        write(cache, new StateWrites(List.of(
                new StateWrites.Op(fieldPrefix, null, Bytes.prefixEnd(fieldPrefix)),
                new StateWrites.Op(meta, bytes("m2"), null))));
        assertThat(cache.count()).isEqualTo(3);
        assertThat(reader.get(field)).isNull();
        assertThat(reader.get(meta)).isEqualTo(bytes("m2"));
        // FLUSHDB: the keyspace's range holds cached records: the cache empties.
        write(cache, new StateWrites(List.of(
                new StateWrites.Op(new byte[] {0}, null, new byte[] {1}))));
        assertThat(cache.count()).isZero();
        assertThat(reader.get(meta)).isNull();
        assertThat(reader.get(session)).isEqualTo(bytes("s"));
    }

    @Test
    void aFullCacheEvictsAndReadsStillEqualTheStore() {
        long sizeBytesMax = 10L * (RecordCache.ENTRY_OVERHEAD_BYTES + 8);
        RecordCache cache = new RecordCache(sizeBytesMax);
        StateReader reader = cache.over(base);
        List<String> keys = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<StateWrites.Op> ops = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = "k" + ((i * 7 + round * 3) % 60);
                keys.add(key);
                ops.add(put(key, bytes(round + ":" + i)));
            }
            write(cache, new StateWrites(ops));
            assertThat(cache.sizeBytes()).isLessThanOrEqualTo(sizeBytesMax);
            for (String key : keys) {
                assertThat(reader.get(bytes(key))).isEqualTo(store.get(bytes(key)));
            }
        }
        assertThat(cache.count()).isBetween(1, 10);
    }
}
