package kv.server.statemachine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeSet;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.command.ReplyCodec;
import kv.server.session.SessionCheck;

/**
 * The exactly-once session table as state records, so it is replicated, persisted atomically
 * with the data and carried by snapshots like everything else the state machine owns:
 * <pre>
 *   [0xF0] clientId:8                 -> sequence:8 slotLastUsed:8 storedReply
 *   [0xF1] slotIndexed:8 clientId:8   -> empty   (expiry order, oldest first)
 *   [0xF2] "count"                    -> sessions:8
 * </pre>
 * The expiry index is lazy: each session has one index entry, at a slot at or before its last
 * use (the slot it was indexed at), so a command in a known session writes its session record
 * only, not an index entry moved each time (two state writes fewer per session command, on
 * every replica). Expiry and eviction walk the index oldest first; an entry whose session was
 * used since it was indexed is moved to that last use, and the first entry that is current is
 * the least recently used session. Everything is derived from replicated state, so every
 * replica keeps the same index.
 * Same rules as {@link kv.server.session.SessionTable}: a session starts at sequence 1, a retry
 * of the last sequence gets the first result, an older one is STALE, and a session unused for
 * {@link Limits#SESSION_EXPIRY_SLOTS} slots (or evicted beyond {@link Limits#SESSIONS_COUNT_MAX})
 * answers EXPIRED rather than applying twice.
 */
public final class SessionRecords {
    /** Reserved state prefixes, above every keyspace index; snapshots must include them. */
    public static final int[] PREFIXES = {0xF0, 0xF1, 0xF2};
    private static final byte SESSION = (byte) 0xF0;
    private static final byte BY_LAST_USE = (byte) 0xF1;
    private static final byte[] COUNT = {(byte) 0xF2, 'c', 'o', 'u', 'n', 't'};
    /** Expiry-index entries one cursor reads at a time (a step usually needs the first only). */
    private static final int INDEX_PAGE_ENTRIES = 16;
    /** Stored instead of a result too large to keep: the retry learns it was applied. */
    private static final byte[] RESULT_DROPPED = {};

    private final StateOverlay state;
    private final long expirySlots;
    private final long countMax;
    private final int expirationsPerSlotMax;
    private final int reindexPerStepMax;
    /**
     * The session record {@link #check} read last, for the {@link #record} or
     * {@link #firstResult} that follows it for the same client: the command applied in between
     * writes only keyspace records, never session ones, so the second state read is saved.
     */
    private long lastCheckedClientId;
    private byte[] lastCheckedRecord;
    private boolean lastCheckedValid;

    public SessionRecords(StateOverlay state) {
        this(state, Limits.SESSION_EXPIRY_SLOTS, Limits.SESSIONS_COUNT_MAX,
                Limits.SESSION_EXPIRATIONS_PER_SLOT_MAX, Limits.SESSION_REINDEX_PER_STEP_MAX);
    }

    /** With limits other than {@link Limits}' (tests). */
    SessionRecords(StateOverlay state, long expirySlots, long countMax,
                   int expirationsPerSlotMax, int reindexPerStepMax) {
        this.state = state;
        this.expirySlots = expirySlots;
        this.countMax = countMax;
        this.expirationsPerSlotMax = expirationsPerSlotMax;
        this.reindexPerStepMax = reindexPerStepMax;
    }

    private byte[] sessionRecord(long clientId) {
        if (lastCheckedValid && lastCheckedClientId == clientId) return lastCheckedRecord;
        return state.get(sessionKey(clientId));
    }

    private static byte[] sessionKey(long clientId) {
        byte[] key = new byte[9];
        key[0] = SESSION;
        Bytes.putLong(key, 1, clientId);
        return key;
    }

    private static byte[] lastUseKey(long slot, long clientId) {
        byte[] key = new byte[17];
        key[0] = BY_LAST_USE;
        Bytes.putLong(key, 1, slot);
        Bytes.putLong(key, 9, clientId);
        return key;
    }

    public SessionCheck check(long clientId, long sequence) {
        byte[] record = state.get(sessionKey(clientId));
        lastCheckedClientId = clientId;
        lastCheckedRecord = record;
        lastCheckedValid = true;
        if (record == null) return sequence == 1 ? SessionCheck.NEW : SessionCheck.EXPIRED;
        long last = Bytes.getLong(record, 0);
        if (sequence == last) return SessionCheck.DUPLICATE;
        return sequence < last ? SessionCheck.STALE : SessionCheck.NEW;
    }

    /** The reply to a DUPLICATE: the first result, or a note if it was too large to keep. */
    public Reply firstResult(long clientId) {
        byte[] record = sessionRecord(clientId);
        if (record.length == 16) {
            return Reply.error("ERR this command was already applied; its result was larger than "
                    + Limits.SESSION_RESULT_SIZE_BYTES_MAX + " bytes and is not kept: read it back");
        }
        byte[] stored = new byte[record.length - 16];
        System.arraycopy(record, 16, stored, 0, stored.length);
        return ReplyCodec.decode(stored);
    }

    /** Records a NEW command's result, applied at {@code slot}. */
    public void record(long clientId, long sequence, Reply result, long slot) {
        byte[] previous = sessionRecord(clientId);
        lastCheckedValid = false; // this call writes session records
        if (previous == null) {
            if (count() >= countMax) expireOldest(Long.MAX_VALUE, 1);
            setCount(count() + 1);
            state.put(lastUseKey(slot, clientId), new byte[0]);
        } // else its index entry stays where it is: at or before this use
        byte[] encoded = ReplyCodec.encode(result);
        if (encoded.length > Limits.SESSION_RESULT_SIZE_BYTES_MAX) encoded = RESULT_DROPPED;
        byte[] record = new byte[16 + encoded.length];
        Bytes.putLong(record, 0, sequence);
        Bytes.putLong(record, 8, slot);
        System.arraycopy(encoded, 0, record, 16, encoded.length);
        state.put(sessionKey(clientId), record);
    }

    /** Drops sessions unused for the expiry, a bounded number per call; call once per slot. */
    public void expire(long slot) {
        if (slot > expirySlots) expireOldest(slot - expirySlots, expirationsPerSlotMax);
    }

    /**
     * Drops up to {@code countMax} sessions last used before {@code lastUseBelow}
     * ({@code Long.MAX_VALUE}: evicts the least recently used), oldest first. A stale index entry
     * met on the way is moved to its session's last use, at most {@link #reindexPerStepMax} per
     * call; an eviction that meets more evicts the session of the oldest stale entry instead (it
     * answers EXPIRED later, never applies twice), an expiry leaves the rest to the next slot.
     */
    private void expireOldest(long lastUseBelow, int countMax) {
        lastCheckedValid = false; // deletes session records
        boolean evicting = lastUseBelow == Long.MAX_VALUE;
        // Entries moved during the step may come before ones not read yet: they wait in order
        // beside the walk, which skips them when it reads on.
        TreeSet<byte[]> moved = new TreeSet<>(Bytes.ORDER);
        IndexWalk walk = new IndexWalk(evicting ? new byte[] {(byte) (BY_LAST_USE + 1)}
                : lastUseKey(lastUseBelow, 0), moved);
        int expired = 0;
        int reindexed = 0;
        while (expired < countMax) {
            byte[] listed = walk.peek();
            byte[] earliestMoved = moved.isEmpty() ? null : moved.first();
            if (listed == null && earliestMoved == null) break;
            boolean fromMoved = listed == null || earliestMoved != null
                    && Bytes.ORDER.compare(earliestMoved, listed) < 0;
            byte[] indexKey = fromMoved ? earliestMoved : listed;
            long indexedAt = Bytes.getLong(indexKey, 1);
            if (indexedAt >= lastUseBelow) break; // every session left was used later
            if (fromMoved) {
                moved.remove(indexKey);
            } else {
                walk.pop();
            }
            long clientId = Bytes.getLong(indexKey, 9);
            byte[] record = state.get(sessionKey(clientId));
            Assert.that(record != null, "expiry index entry without a session");
            long lastUse = Bytes.getLong(record, 8);
            // Evicting, the first entry indexed at its last use is the least recently used:
            // every entry before it was moved to a later last use.
            boolean goes = evicting ? lastUse == indexedAt || reindexed >= reindexPerStepMax
                    : lastUse < lastUseBelow;
            state.delete(indexKey);
            if (goes) {
                state.delete(sessionKey(clientId));
                expired++;
                continue;
            }
            byte[] movedKey = lastUseKey(lastUse, clientId);
            state.put(movedKey, new byte[0]);
            moved.add(movedKey);
            if (++reindexed >= reindexPerStepMax && !evicting) break;
        }
        if (expired > 0) setCount(count() - expired);
    }

    /**
     * The expiry index in order below {@code end}, read {@link #INDEX_PAGE_ENTRIES} at a time
     * (a step usually looks at one entry), skipping the entries this step moved.
     */
    private final class IndexWalk {
        private final byte[] end;
        private final TreeSet<byte[]> moved;
        private final ArrayDeque<byte[]> page = new ArrayDeque<>();
        private byte[] lastRead;
        private boolean exhausted;

        IndexWalk(byte[] end, TreeSet<byte[]> moved) {
            this.end = end;
            this.moved = moved;
        }

        /** The next entry, or null at the end. */
        byte[] peek() {
            while (page.isEmpty() && !exhausted) readPage();
            return page.peekFirst();
        }

        void pop() {
            page.pollFirst();
        }

        private void readPage() {
            byte[] from = lastRead == null ? new byte[] {BY_LAST_USE}
                    : Arrays.copyOf(lastRead, lastRead.length + 1); // just after it
            int read = 0;
            try (StateCursor cursor = state.scan(from, end)) {
                for (; cursor.valid() && read < INDEX_PAGE_ENTRIES; cursor.next(), read++) {
                    lastRead = cursor.key();
                    if (!moved.contains(lastRead)) page.addLast(lastRead);
                }
            }
            exhausted = read < INDEX_PAGE_ENTRIES;
        }
    }

    private long count() {
        byte[] raw = state.get(COUNT);
        return raw == null ? 0 : Bytes.getLong(raw, 0);
    }

    private void setCount(long count) {
        state.put(COUNT, Bytes.ofLong(count));
    }
}
