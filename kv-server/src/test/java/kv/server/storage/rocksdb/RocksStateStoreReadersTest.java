package kv.server.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;
import kv.server.statemachine.WouldBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers on other threads (the event loops serving lease reads) while the apply thread writes
 * through the record cache into real RocksDB. Slot s writes 16 keys twice ({@link #writesOf}),
 * except every {@link #RANGE_DELETE_EVERY_SLOTS}th slot, which deletes every key by range
 * (FLUSHDB).
 * Property: a read returns the key's state at some slot from F to just past the applied slot
 * seen after it, where F is the newest slot the reader has evidence of (the applied slot it
 * saw, or any value it read, of any key: a batch is seen all at once), so nothing goes back,
 * not even across keys. The cache is small enough to evict at nearly every slot.
 */
class RocksStateStoreReadersTest {
    private static final int KEYS_COUNT = 64;
    /** Keys written per slot: KEYS_COUNT / GROUPS. */
    private static final int GROUPS = 4;
    private static final long UNSEEN_OFFSET = 1L << 40;
    private static final int SLOTS_COUNT = 30_000;
    private static final int READERS_COUNT = 2;
    private static final int RANGE_DELETE_EVERY_SLOTS = 97;
    /** A few dozen entries: most slots evict. */
    private static final long CACHE_SIZE_BYTES = 40L * (RecordCache.ENTRY_OVERHEAD_BYTES + 16);
    private static final long JOIN_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    private static byte[] key(int index) {
        return new byte[] {0, 1, (byte) index};
    }

    private static boolean deletesAll(long slot) {
        return slot % RANGE_DELETE_EVERY_SLOTS == 0;
    }

    @Test
    void readersNeverSeeOlderThanTheAppliedSlotNorGoBack() throws Exception {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage, CACHE_SIZE_BYTES);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS_COUNT; r++) {
                boolean cachedOnly = r % 2 == 1;
                Thread reader = new Thread(() -> read(state, cachedOnly, failure), "reader-" + r);
                readers.add(reader);
                reader.start();
            }
            for (long slot = 1; slot <= SLOTS_COUNT && failure.get() == null; slot++) {
                state.write(slot, new StateWrites(deletesAll(slot)
                        ? List.of(new StateWrites.Op(new byte[] {0}, null, new byte[] {1}))
                        : writesOf(slot)));
            }
            state.write(SLOTS_COUNT + 1, new StateWrites(List.of())); // tells readers to stop
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(JOIN_TIMEOUT_SECONDS));
            }
            if (failure.get() != null) throw new AssertionError(failure.get());
            for (Thread reader : readers) {
                assertThat(reader.isAlive()).as(reader.getName()).isFalse();
            }
        }
    }

    /**
     * Slot s writes every key k with k = s (mod GROUPS): first a value never meant to be seen
     * (s + UNSEEN_OFFSET), then s, in one batch. Readers must never see the first: RocksDB
     * shows the batch at once, and the cache must only ever hold a key's final record.
     */
    private static List<StateWrites.Op> writesOf(long slot) {
        List<StateWrites.Op> ops = new ArrayList<>();
        for (long value : new long[] {slot + UNSEEN_OFFSET, slot}) {
            for (int k = (int) (slot % GROUPS); k < KEYS_COUNT; k += GROUPS) {
                ops.add(new StateWrites.Op(key(k), Bytes.ofLong(value), null));
            }
        }
        return ops;
    }

    /** The newest slot at or below {@code applied} that wrote key {@code k}; 0 if none. */
    private static long lastWrite(int k, long applied) {
        long slot = applied - Math.floorMod(applied - k, GROUPS);
        while (slot > 0 && deletesAll(slot)) slot -= GROUPS;
        return Math.max(0, slot);
    }

    private static long firstDeleteAfter(long slot) {
        return (slot / RANGE_DELETE_EVERY_SLOTS + 1) * RANGE_DELETE_EVERY_SLOTS;
    }

    private static void read(RocksStateStore state, boolean cachedOnly,
                             AtomicReference<Throwable> failure) {
        StateReader reader = cachedOnly ? state.cachedOnly() : state.live();
        // Per key, the slot of the state this reader last saw: a write's, a delete's, or 0.
        long[] seen = new long[KEYS_COUNT];
        // The newest slot this reader has seen evidence of, on any key: every later read, of
        // any key, must show the store at that slot or later (a batch is seen all at once).
        long reached = 0;
        try {
            for (int i = 0; ; i++) {
                long before = state.appliedSlot();
                if (before > SLOTS_COUNT || failure.get() != null) return;
                long floor = Math.max(before, reached);
                int k = i % KEYS_COUNT;
                byte[] value;
                try {
                    value = reader.get(key(k));
                } catch (WouldBlock needsDisk) {
                    value = state.live().get(key(k));
                }
                // RocksDB may hold one slot more than the applied slot says (written, not yet
                // published): the newest state a read may see.
                long newestVisible = state.appliedSlot() + 1;
                long written = lastWrite(k, floor);
                String problem = null;
                if (value != null) {
                    long v = Bytes.getLong(value, 0);
                    if (v % GROUPS != k % GROUPS || deletesAll(v) || v > newestVisible) {
                        problem = "never written so";
                    } else if (v < written) problem = "older than the write at " + written;
                    else if (firstDeleteAfter(v) <= floor) {
                        problem = "deleted at " + firstDeleteAfter(v);
                    }
                    else if (v < seen[k]) problem = "older than what this reader saw";
                    else seen[k] = v;
                } else if (!(deletesAll(seen[k]) && seen[k] > written)) { // else: the same delete
                    long newest = Math.max(written, seen[k]);
                    long delete = newest == 0 ? 0 : firstDeleteAfter(newest);
                    if (delete > newestVisible) problem = "absent, yet written at " + newest;
                    else seen[k] = delete;
                }
                if (problem != null) {
                    throw new AssertionError("key " + k + " read " + (value == null ? "absent"
                            : Bytes.getLong(value, 0)) + " with the store at slot " + floor
                            + " or later (applied slot " + before + "): " + problem
                            + " (this reader saw slot " + seen[k] + " of it before)");
                }
                reached = Math.max(reached, seen[k]);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }
}
