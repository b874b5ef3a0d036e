package kv.server.statemachine;

import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.command.ReplyCodec;
import kv.server.session.SessionCheck;

/**
 * The exactly-once session table as state records, so it is replicated, persisted atomically
 * with the data and carried by snapshots like everything else the state machine owns:
 * <pre>
 *   [0xF0] clientId:8                 -> sequence:8 slotLastUsed:8 storedReply
 *   [0xF1] slotLastUsed:8 clientId:8  -> empty   (expiry order, oldest first)
 *   [0xF2] "count"                    -> sessions:8
 * </pre>
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
    /** Stored instead of a result too large to keep: the retry learns it was applied. */
    private static final byte[] RESULT_DROPPED = {};

    private final StateOverlay state;
    /**
     * The session record {@link #check} read last, for the {@link #record} or
     * {@link #firstResult} that follows it for the same client: the command applied in between
     * writes only keyspace records, never session ones, so the second state read is saved.
     */
    private long lastCheckedClientId;
    private byte[] lastCheckedRecord;
    private boolean lastCheckedValid;

    public SessionRecords(StateOverlay state) {
        this.state = state;
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
        byte[] key = sessionKey(clientId);
        byte[] previous = sessionRecord(clientId);
        lastCheckedValid = false; // this call writes session records
        if (previous == null) {
            if (count() >= Limits.SESSIONS_COUNT_MAX) expireOldest(Long.MAX_VALUE, 1);
            setCount(count() + 1);
        } else {
            state.delete(lastUseKey(Bytes.getLong(previous, 8), clientId));
        }
        byte[] encoded = ReplyCodec.encode(result);
        if (encoded.length > Limits.SESSION_RESULT_SIZE_BYTES_MAX) encoded = RESULT_DROPPED;
        byte[] record = new byte[16 + encoded.length];
        Bytes.putLong(record, 0, sequence);
        Bytes.putLong(record, 8, slot);
        System.arraycopy(encoded, 0, record, 16, encoded.length);
        state.put(key, record);
        state.put(lastUseKey(slot, clientId), new byte[0]);
    }

    /** Drops sessions unused for the expiry, a bounded number per call; call once per slot. */
    public void expire(long slot) {
        if (slot > Limits.SESSION_EXPIRY_SLOTS) {
            expireOldest(slot - Limits.SESSION_EXPIRY_SLOTS, Limits.SESSION_EXPIRATIONS_PER_SLOT_MAX);
        }
    }

    private void expireOldest(long lastUseBelow, int countMax) {
        lastCheckedValid = false; // deletes session records
        byte[] from = {BY_LAST_USE};
        byte[] to = lastUseBelow == Long.MAX_VALUE ? new byte[] {(byte) (BY_LAST_USE + 1)}
                : lastUseKey(lastUseBelow, 0);
        java.util.List<byte[]> expired = new java.util.ArrayList<>();
        try (StateCursor cursor = state.scan(from, to)) {
            for (; cursor.valid() && expired.size() < countMax; cursor.next()) expired.add(cursor.key());
        }
        for (byte[] indexKey : expired) {
            state.delete(indexKey);
            state.delete(sessionKey(Bytes.getLong(indexKey, 9)));
        }
        if (!expired.isEmpty()) setCount(count() - expired.size());
    }

    private long count() {
        byte[] raw = state.get(COUNT);
        return raw == null ? 0 : Bytes.getLong(raw, 0);
    }

    private void setCount(long count) {
        state.put(COUNT, Bytes.ofLong(count));
    }
}
