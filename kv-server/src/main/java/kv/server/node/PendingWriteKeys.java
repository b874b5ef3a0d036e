package kv.server.node;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandCodec;
import kv.server.command.CommandFlag;
import kv.server.consensus.Entry;
import kv.server.consensus.ValueKind;
import kv.server.statemachine.Bytes;

/**
 * The keys of slots this replica accepted but has not applied yet, as counts per key-hash
 * bucket: a lease holder must not serve a local read of such a key (Moraru et al. 2014, 4.2),
 * because its acceptance may be what made the write chosen and acknowledged. Reads of other
 * keys go ahead, so a steady stream of writes does not stop local reads of unrelated keys.
 *
 * <p>The node loop records a slot's keys before any message that acknowledges the slot leaves
 * ({@link #onAccepted}) and forgets them after the slot's writes are in the state store
 * ({@link #appliedBelow}). Readers on any thread ask {@link #mayRead}: the counts are atomics,
 * so a reader that sees zero either started before the write could complete anywhere or sees
 * the applied state. Bucket collisions only make a read wait longer. Commands without key
 * positions (FLUSHDB, EXEC) count against every key.
 */
public final class PendingWriteKeys {
    private static final int BUCKETS_MASK = Limits.LEASE_PENDING_KEY_BUCKETS_COUNT - 1;
    /** Bucket index standing for "every key" (FLUSHDB, transactions). */
    public static final int ALL_KEYS = -1;

    /** The key buckets one encoded command of a log value writes ({@link #ALL_KEYS}: all). */
    public interface WriteKeys {
        void bucketsOf(byte[] encodedCommand, java.util.function.IntConsumer out);
    }

    /** The server's commands ({@link CommandCodec}); reads through the log write nothing. */
    public static final WriteKeys COMMANDS = (encoded, out) -> {
        for (Command command : CommandCodec.decode(encoded)) {
            if (command.type().flag == CommandFlag.READ) continue; // a read through the log
            if (command.type().flag != CommandFlag.WRITE || command.type().firstKeyIndex == 0) {
                out.accept(ALL_KEYS);
                continue;
            }
            int last = lastKeyIndex(command);
            for (int i = command.type().firstKeyIndex; i <= last; i += command.type().keyStep) {
                out.accept(bucket(command.keyspaceIndex(), command.args()[i]));
            }
        }
    };

    private final WriteKeys writeKeys;

    private final AtomicIntegerArray countsByBucket =
            new AtomicIntegerArray(Limits.LEASE_PENDING_KEY_BUCKETS_COUNT);
    /** Recorded slots not yet applied; keyless reads (DBSIZE, SCAN) wait for none to be left. */
    private final AtomicLong slotsPending = new AtomicLong();
    private final AtomicLong allKeysPending = new AtomicLong();
    /** Node loop only: the buckets each recorded slot added, oldest first. */
    private final ArrayDeque<long[]> recorded = new ArrayDeque<>();

    public PendingWriteKeys(WriteKeys writeKeys) {
        this.writeKeys = writeKeys;
    }

    static {
        kv.server.Assert.that(Integer.bitCount(Limits.LEASE_PENDING_KEY_BUCKETS_COUNT) == 1,
                "bucket count must be a power of two");
    }

    /** Node loop: {@code entry} was accepted (persisted) here; its keys count until applied. */
    public void onAccepted(Entry entry) {
        if (entry.value().kind() != ValueKind.COMMANDS) return;
        int[][] buckets = {new int[8]};
        int[] count = {0};
        for (byte[] encoded : entry.value().commands()) {
            writeKeys.bucketsOf(encoded, bucket -> {
                if (count[0] == buckets[0].length) {
                    buckets[0] = java.util.Arrays.copyOf(buckets[0], count[0] * 2);
                }
                buckets[0][count[0]++] = bucket;
            });
        }
        long[] slotAndBuckets = new long[count[0] + 1];
        slotAndBuckets[0] = entry.slot();
        for (int i = 0; i < count[0]; i++) {
            slotAndBuckets[i + 1] = buckets[0][i];
            add(buckets[0][i], 1);
        }
        recorded.addLast(slotAndBuckets);
        slotsPending.incrementAndGet();
    }

    /**
     * Node loop: every slot below {@code slotEnd} is applied (or replaced by a snapshot). A slot
     * accepted twice (a later ballot) was recorded twice and is forgotten twice here.
     */
    public void appliedBelow(long slotEnd) {
        // Slots are recorded roughly in order; scan the whole deque only when an old one is left.
        var iterator = recorded.iterator();
        while (iterator.hasNext()) {
            long[] slotAndBuckets = iterator.next();
            if (slotAndBuckets[0] >= slotEnd) continue;
            for (int i = 1; i < slotAndBuckets.length; i++) add((int) slotAndBuckets[i], -1);
            slotsPending.decrementAndGet();
            iterator.remove();
        }
    }

    /** Any thread: true if no recorded write touches bucket {@code bucket} (or every key). */
    public boolean mayReadBucket(int bucket) {
        if (slotsPending.get() == 0) return true;
        return allKeysPending.get() == 0 && countsByBucket.get(bucket & BUCKETS_MASK) == 0;
    }

    /** Any thread: true if no recorded write touches a key {@code read} reads. */
    public boolean mayRead(Command read) {
        if (slotsPending.get() == 0) return true;
        if (allKeysPending.get() != 0 || read.type().firstKeyIndex == 0) return false;
        int last = lastKeyIndex(read);
        for (int i = read.type().firstKeyIndex; i <= last; i += read.type().keyStep) {
            if (countsByBucket.get(bucket(read.keyspaceIndex(), read.args()[i])) != 0) return false;
        }
        return true;
    }

    public int slotsPendingCount() {
        return (int) slotsPending.get();
    }

    private void add(int bucket, int delta) {
        if (bucket == ALL_KEYS) allKeysPending.addAndGet(delta);
        else countsByBucket.addAndGet(bucket, delta);
    }

    private static int lastKeyIndex(Command command) {
        int last = command.type().lastKeyIndex;
        return last < 0 ? command.args().length + last : Math.min(last, command.args().length - 1);
    }

    public static int bucket(int keyspaceIndex, byte[] key) {
        long hash = keyspaceIndex;
        for (byte b : key) hash = hash * 31 + b;
        return (int) Bytes.mix64(hash) & BUCKETS_MASK;
    }
}
