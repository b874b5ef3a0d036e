package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.eventual.EventualMessage.KeyRef;
import kv.server.eventual.EventualMessage.ReadReply;
import kv.server.eventual.EventualMessage.ReadRequest;
import kv.server.eventual.EventualMessage.Repair;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.KeyRecords;

/**
 * QUORUM and ALL reads. The coordinator asks every peer for its values of the keys the command
 * names, merges each answer into its own store (so it holds the newest value any responder had)
 * and answers from its store once enough replicas, itself included, responded. A responder that
 * sent an older value than the coordinator holds gets the newer one back (read repair), also
 * when the newer value arrives from a later responder. Answering from the merged store gives
 * R + W > N its meaning: a write acknowledged by W replicas meets at least one of the R.
 */
final class QuorumReads {
    private static final class PendingRead {
        final long requestId;
        final Command command;
        final List<byte[]> keys;
        final int requiredCount;
        final long deadlineNanos;
        int respondedMask;
        boolean answered;

        PendingRead(long requestId, Command command, List<byte[]> keys, int requiredCount,
                    long deadlineNanos) {
            this.requestId = requestId;
            this.command = command;
            this.keys = keys;
            this.requiredCount = requiredCount;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final EventualConfig config;
    private final EventualStore store;
    private final Merger merger;
    private final Outbox outbox;
    private final EventualStats stats;
    /** By read id; ids start from a clock reading, so a reply from before a restart misses. */
    private final TreeMap<Long, PendingRead> pending = new TreeMap<>();
    private long readIdNext;

    QuorumReads(EventualConfig config, EventualStore store, Merger merger, Outbox outbox,
                EventualStats stats, long readIdFirst) {
        this.config = config;
        this.store = store;
        this.merger = merger;
        this.outbox = outbox;
        this.stats = stats;
        this.readIdNext = readIdFirst;
    }

    int pendingCount() {
        return pending.size();
    }

    void start(long requestId, Command command, List<byte[]> keys, int requiredCount,
               long nowNanos) {
        long readId = readIdNext++;
        pending.put(readId, new PendingRead(requestId, command, keys, requiredCount,
                nowNanos + config.readTimeoutNanos()));
        List<KeyRef> refs = new ArrayList<>(keys.size());
        for (byte[] key : keys) refs.add(new KeyRef(command.keyspaceIndex(), key));
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (config.isPeer(peer)) outbox.send(peer, new ReadRequest(readId, refs));
        }
    }

    void onReadRequest(int from, ReadRequest request) {
        List<Update> updates = new ArrayList<>(request.keys().size());
        for (KeyRef ref : request.keys()) {
            updates.add(new Update(ref.keyspace(), ref.key(),
                    merger.valueForPeer(ref.keyspace(), ref.key())));
        }
        List<List<Update>> chunks = Outbox.chunks(updates);
        if (chunks.isEmpty()) chunks.add(List.of());
        for (int i = 0; i < chunks.size(); i++) {
            outbox.send(from, new ReadReply(request.readId(), i == chunks.size() - 1,
                    chunks.get(i)));
        }
    }

    void onReadReply(int from, ReadReply reply) {
        PendingRead read = config.isPeer(from) ? pending.get(reply.readId()) : null;
        List<Update> repairs = new ArrayList<>();
        List<Update> newer = new ArrayList<>();
        for (Update update : reply.updates()) {
            if (merger.merge(update)) {
                newer.add(update);
                continue;
            }
            Versioned local = store.read(update.keyspace(), update.key());
            if (local.version().isNewerThan(update.value().version())) {
                repairs.add(new Update(update.keyspace(), update.key(), local));
            }
        }
        sendRepairs(from, repairs);
        if (read == null) return;
        // Earlier responders held at most what this node held then, older than these values.
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if ((read.respondedMask & (1 << peer)) != 0 && peer != from) sendRepairs(peer, newer);
        }
        if (!reply.last()) return;
        read.respondedMask |= 1 << from;
        maybeAnswer(read);
        if (Integer.bitCount(read.respondedMask) == config.replicasCount() - 1) {
            pending.remove(reply.readId());
        }
    }

    private void sendRepairs(int peer, List<Update> repairs) {
        if (repairs.isEmpty()) return;
        stats.readRepairs += repairs.size();
        for (List<Update> chunk : Outbox.chunks(repairs)) outbox.send(peer, new Repair(chunk));
    }

    private void maybeAnswer(PendingRead read) {
        if (read.answered || 1 + Integer.bitCount(read.respondedMask) < read.requiredCount) return;
        read.answered = true;
        outbox.reply(read.requestId, KeyRecords.execute(read.command, store.state(), null, 0));
    }

    /**
     * Answers reads that ran out of time without enough replicas, and forgets answered ones
     * whose stragglers never came (a straggler's reply still merges and repairs).
     */
    void expire(long nowNanos) {
        while (!pending.isEmpty()) {
            // Deadlines grow with read ids: ids and deadlines are both assigned in order.
            var first = pending.firstEntry();
            PendingRead read = first.getValue();
            if (nowNanos < read.deadlineNanos) break;
            pending.remove(first.getKey());
            if (read.answered) continue;
            stats.readsUnavailable++;
            outbox.reply(read.requestId, Reply.error("UNAVAILABLE read reached "
                    + (1 + Integer.bitCount(read.respondedMask)) + " of " + read.requiredCount
                    + " required replicas within " + config.readTimeoutNanos() / 1_000_000
                    + " ms"));
        }
    }
}
