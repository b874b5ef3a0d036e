package kv.server.session;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import kv.server.Assert;
import kv.server.Limits;

/**
 * Exactly-once support for the replicated state machine: per client, the last sequence applied
 * and its result, so a retry is applied once and answered with the first result (Raft thesis
 * section 6.3; DESIGN.md "Exactly once").
 *
 * <p>Deterministic: every replica holds the same table after the same slots, because the table
 * changes only as chosen commands are applied, and expiry is measured in slots, never in wall
 * time. A client starts a session with sequence 1 and then counts up by one; a session unused
 * for {@code expirySlotsCount} slots is dropped, and a later non-initial sequence from that
 * client is answered EXPIRED rather than applied twice. Sorted maps only, so iteration order
 * (and so eviction) is the same everywhere.
 */
public final class SessionTable {
    public static final long SEQUENCE_FIRST = 1;

    private static final class Session {
        long sequence;
        byte[] result;
        long slotLastUsed;
    }

    private final long expirySlotsCount;
    private final int sessionsCountMax;
    private final TreeMap<Long, Session> sessions = new TreeMap<>();
    /** (slotLastUsed, clientId) of every session, oldest first, for expiry and eviction. */
    private final TreeMap<Long, TreeMap<Long, Boolean>> byLastUse = new TreeMap<>();

    public SessionTable(long expirySlotsCount, int sessionsCountMax) {
        Assert.that(expirySlotsCount >= 1, "session expiry %d slots", expirySlotsCount);
        Assert.that(sessionsCountMax >= 1 && sessionsCountMax <= Limits.SESSIONS_COUNT_MAX,
                "sessions %d out of range", sessionsCountMax);
        this.expirySlotsCount = expirySlotsCount;
        this.sessionsCountMax = sessionsCountMax;
    }

    public SessionCheck check(long clientId, long sequence) {
        Assert.that(sequence >= SEQUENCE_FIRST, "sequence %d below first", sequence);
        Session session = sessions.get(clientId);
        if (session == null) {
            return sequence == SEQUENCE_FIRST ? SessionCheck.NEW : SessionCheck.EXPIRED;
        }
        if (sequence == session.sequence) return SessionCheck.DUPLICATE;
        if (sequence < session.sequence) return SessionCheck.STALE;
        return SessionCheck.NEW;
    }

    /** The result recorded for the client's last sequence; only after a DUPLICATE check. */
    public byte[] lastResult(long clientId) {
        Session session = sessions.get(clientId);
        Assert.that(session != null, "no session for client %d", clientId);
        return session.result;
    }

    /** Records a NEW command's result, applied at {@code slot}. */
    public void record(long clientId, long sequence, byte[] result, long slot) {
        Assert.that(result.length <= Limits.SESSION_RESULT_SIZE_BYTES_MAX,
                "session result %d bytes over max", result.length);
        Session session = sessions.get(clientId);
        if (session == null) {
            if (sessions.size() >= sessionsCountMax) evictOldest();
            session = new Session();
            sessions.put(clientId, session);
        } else {
            Assert.that(sequence > session.sequence, "sequence %d not above %d", sequence,
                    session.sequence);
            unindex(clientId, session.slotLastUsed);
        }
        session.sequence = sequence;
        session.result = result;
        session.slotLastUsed = slot;
        byLastUse.computeIfAbsent(slot, s -> new TreeMap<>()).put(clientId, Boolean.TRUE);
    }

    /** Drops sessions last used more than the expiry before {@code slot}; call as slots apply. */
    public void expire(long slot) {
        while (!byLastUse.isEmpty() && byLastUse.firstKey() + expirySlotsCount < slot) {
            Map.Entry<Long, TreeMap<Long, Boolean>> oldest = byLastUse.pollFirstEntry();
            for (Long clientId : oldest.getValue().keySet()) sessions.remove(clientId);
        }
    }

    public int size() {
        return sessions.size();
    }

    private void evictOldest() {
        Map.Entry<Long, TreeMap<Long, Boolean>> oldest = byLastUse.firstEntry();
        Long clientId = oldest.getValue().firstKey();
        oldest.getValue().remove(clientId);
        if (oldest.getValue().isEmpty()) byLastUse.remove(oldest.getKey());
        sessions.remove(clientId);
    }

    private void unindex(long clientId, long slot) {
        TreeMap<Long, Boolean> clients = byLastUse.get(slot);
        clients.remove(clientId);
        if (clients.isEmpty()) byLastUse.remove(slot);
    }

    /** For snapshots: count, then per client (id, sequence, slot, result length, result). */
    public byte[] encode() {
        int size = 4;
        for (Session session : sessions.values()) size += 28 + session.result.length;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(sessions.size());
        for (Map.Entry<Long, Session> entry : sessions.entrySet()) {
            Session session = entry.getValue();
            out.putLong(entry.getKey()).putLong(session.sequence).putLong(session.slotLastUsed);
            out.putInt(session.result.length).put(session.result);
        }
        return out.array();
    }

    /** Replaces this table's content with an encoded one. */
    public void decode(ByteBuffer in) {
        sessions.clear();
        byLastUse.clear();
        int count = in.getInt();
        Assert.that(count >= 0 && count <= sessionsCountMax, "session count %d", count);
        for (int i = 0; i < count; i++) {
            long clientId = in.getLong();
            long sequence = in.getLong();
            long slot = in.getLong();
            int length = in.getInt();
            Assert.that(length >= 0 && length <= Limits.SESSION_RESULT_SIZE_BYTES_MAX,
                    "session result length %d", length);
            byte[] result = new byte[length];
            in.get(result);
            Session session = new Session();
            session.sequence = sequence;
            session.slotLastUsed = slot;
            session.result = result;
            sessions.put(clientId, session);
            byLastUse.computeIfAbsent(slot, s -> new TreeMap<>()).put(clientId, Boolean.TRUE);
        }
    }
}
