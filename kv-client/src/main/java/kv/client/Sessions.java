package kv.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client sessions for exactly-once writes. The server requires a session's writes in sequence
 * order, and a retried sequence must be the session's latest; so a session carries one write
 * at a time: a write takes an idle session (or opens one), uses its next sequence, and hands it
 * back when the write's outcome is known. A session whose last write stayed unknown is dropped
 * (the server may not know it: its next sequence could look expired). The number of sessions in
 * use is bounded by the writes in flight; idle ones kept by {@link ClientLimits}.
 */
final class Sessions {
    static final class Session {
        final long clientId;
        /** The sequence of the write in progress; the first write uses 1. */
        long sequence;

        Session(long clientId) {
            this.clientId = clientId;
        }
    }

    private final ConcurrentLinkedQueue<Session> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger openedCount = new AtomicInteger();

    /** A session with its sequence advanced for a new write. */
    Session take() {
        Session session = idle.poll();
        if (session != null) {
            idleCount.decrementAndGet();
        } else {
            session = new Session(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            openedCount.incrementAndGet();
        }
        session.sequence++;
        return session;
    }

    /** The write's outcome is known (applied, or rejected before proposal): reuse it. */
    void give(Session session) {
        if (idleCount.incrementAndGet() > ClientLimits.SESSIONS_IDLE_COUNT_MAX) {
            idleCount.decrementAndGet();
            return;
        }
        idle.add(session);
    }

    int openedCount() {
        return openedCount.get();
    }
}
