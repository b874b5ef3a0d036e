package kv.server.node;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import kv.server.command.Reply;
import kv.server.log.ReplicatedLog;

/**
 * Client commands this node proposed or forwarded and still owes an answer, by sequence. Owned
 * by the node loop. Every entry has a deadline: a command never waits without bound.
 */
final class PendingReplies {
    /** One outstanding command; {@code sent}: it left this node, so it may have been applied. */
    static final class Pending {
        final ReplicatedLog.Callback callback;
        final long createdNanos;
        final long deadlineNanos;
        boolean sent;

        Pending(ReplicatedLog.Callback callback, long createdNanos, long deadlineNanos) {
            this.callback = callback;
            this.createdNanos = createdNanos;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** Sequences are assigned in increasing order with one timeout, so deadlines are too. */
    private final TreeMap<Long, Pending> bySequence = new TreeMap<>();

    void add(long sequence, Pending pending) {
        bySequence.put(sequence, pending);
    }

    Pending get(long sequence) {
        return bySequence.get(sequence);
    }

    /** Answers and forgets {@code sequence} if it is still pending; returns it, or null. */
    Pending complete(long sequence, Reply reply) {
        Pending pending = bySequence.remove(sequence);
        if (pending != null) pending.callback.onReply(reply);
        return pending;
    }

    int size() {
        return bySequence.size();
    }

    /** Answers every command whose deadline passed: -UNKNOWN if it left this node, else -CLUSTERDOWN. */
    void expire(long nowNanos, Reply unknown, Reply clusterDown) {
        Iterator<Map.Entry<Long, Pending>> it = bySequence.entrySet().iterator();
        while (it.hasNext()) {
            Pending pending = it.next().getValue();
            if (pending.deadlineNanos > nowNanos) return;
            it.remove();
            pending.callback.onReply(pending.sent ? unknown : clusterDown);
        }
    }

    /** Answers everything (the node stops). */
    void failAll(Reply reply) {
        for (Pending pending : bySequence.values()) pending.callback.onReply(reply);
        bySequence.clear();
    }
}
