package kv.server.eventual;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.eventual.EventualMessage.Push;
import kv.server.eventual.EventualMessage.PushAck;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateCursor;

/**
 * Asynchronous push of this node's writes to every peer. Each local write appends (key, version)
 * to a durable update log at the next position; each peer gets batches in log order and
 * acknowledges a batch once it merged it durably. A peer's acknowledged position is durable too,
 * so after a restart or a healed partition the push resumes where it stopped. A batch carries
 * each key's current value rather than the logged one: a newer value serves equally under last
 * writer wins. Entries every peer acknowledged are deleted; when a peer lags by more than
 * {@link Limits#EVENTUAL_LOG_ENTRIES_COUNT_MAX}, its oldest entries are dropped and anti-entropy
 * repairs it instead.
 *
 * <p>The newest entries stay in memory with the values written ({@link PushTail}), each knowing
 * whether its key changed since, so a batch usually reads nothing from the store: a key that
 * changed has a newer value whose writer pushes it (a later local write has its own position). Truncation deletes entries
 * one by one rather than by range: range tombstones would slow down every read of the column.
 *
 * <p>Acknowledgements count only over a gap-free prefix: an ack for {@code [from, to]} advances
 * the peer only when everything before {@code from} is acknowledged, so a lost batch is resent
 * (after {@code pushRetryNanos}) rather than skipped.
 */
final class Replication {
    /** A batch sent and not yet acknowledged. */
    private static final class InFlight {
        final long fromSeq;
        final long toSeq;
        final long sentNanos;
        boolean acknowledged;

        InFlight(long fromSeq, long toSeq, long sentNanos) {
            this.fromSeq = fromSeq;
            this.toSeq = toSeq;
            this.sentNanos = sentNanos;
        }
    }

    private final EventualConfig config;
    private final EventualStore store;
    private final Outbox outbox;
    private final EventualStats stats;
    /** Last log position assigned (0: none yet). */
    private long lastSeq;
    /** First position still in the log; lastSeq + 1 when the log is empty. */
    private long firstSeq;
    /** Per peer: every position up to this one is merged durably there (or was dropped). */
    private final long[] ackedSeq = new long[Limits.REPLICAS_COUNT_MAX];
    private final long[] sentSeq = new long[Limits.REPLICAS_COUNT_MAX];
    /** Per peer: whether the link is up (no push is built for a peer that cannot get it). */
    private final boolean[] linkUp = new boolean[Limits.REPLICAS_COUNT_MAX];
    /** Per peer: the transport's link generation last seen (a new link may have lost frames). */
    private final long[] linkGeneration = new long[Limits.REPLICAS_COUNT_MAX];
    /** Per peer: when its acknowledged position last advanced (pushes resend after silence). */
    private final long[] ackedNanos = new long[Limits.REPLICAS_COUNT_MAX];
    /** Per peer: when it was last sent a push (paced by {@code pushIntervalNanos}). */
    private final long[] pushedNanos = new long[Limits.REPLICAS_COUNT_MAX];
    private final boolean[] pushedEver = new boolean[Limits.REPLICAS_COUNT_MAX];
    private final List<ArrayDeque<InFlight>> inFlight = new ArrayList<>();
    private final PushTail tail = new PushTail();
    private final SettlingTombstones settling = new SettlingTombstones();
    /** {@link #lastSeq} as last written to the store (once per turn). */
    private long lastSeqPersisted;
    /** The batch built for the previous peer in this {@link #push}: the next often needs it. */
    private Push batchBuilt;

    Replication(EventualConfig config, EventualStore store, Outbox outbox, EventualStats stats) {
        this.config = config;
        this.store = store;
        this.outbox = outbox;
        this.stats = stats;
        this.lastSeq = store.getLong(EventualLayout.NODE_SEQ, 0);
        this.lastSeqPersisted = lastSeq;
        this.firstSeq = restoreFirstSeq();
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            inFlight.add(new ArrayDeque<>());
            linkUp[peer] = true;
            if (!config.isPeer(peer)) continue;
            long acked = store.getLong(EventualLayout.peerAcked(peer), 0);
            ackedSeq[peer] = Math.max(acked, firstSeq - 1);
            sentSeq[peer] = ackedSeq[peer];
            Assert.that(ackedSeq[peer] <= lastSeq, "peer %d acknowledged beyond the log end %d",
                    ackedSeq[peer], lastSeq);
        }
    }

    private long restoreFirstSeq() {
        byte[] prefix = {EventualLayout.TAG_LOG};
        try (StateCursor cursor = store.scanMetadata(prefix, Bytes.prefixEnd(prefix))) {
            return cursor.valid() ? EventualLayout.seqOfLog(cursor.key()) : lastSeq + 1;
        }
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The key's version changed here (local write, merge, tombstone collected). */
    void onKeyChanged(int keyspace, byte[] key) {
        tail.onKeyChanged(keyspace, key);
    }

    /** Logs a local write of {@code update}; returns its log position. */
    long append(Update update) {
        lastSeq++;
        store.putMetadata(EventualLayout.log(lastSeq), EventualLayout.logValue(update.keyspace(),
                update.key(), update.value().version()));
        tail.append(lastSeq, update);
        return lastSeq;
    }

    /** Writes the last log position into this turn, with the entries it covers. */
    void persistLastSeq() {
        if (lastSeq == lastSeqPersisted) return;
        store.putLong(EventualLayout.NODE_SEQ, lastSeq);
        lastSeqPersisted = lastSeq;
    }

    /** Replicas (this one included) known to hold log position {@code seq} or a newer value. */
    int replicasHolding(long seq) {
        int count = 1;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (config.isPeer(peer) && ackedSeq[peer] >= seq) count++;
        }
        return count;
    }

    long ackedSeq(int peer) {
        return ackedSeq[peer];
    }

    /**
     * Sends every peer the batches it is due, within its in-flight window: at most once per push
     * interval, unless a write waits for replicas (at {@code keepFromSeq} or later; MAX_VALUE:
     * none) or a full batch waits.
     */
    void push(long nowNanos, long keepFromSeq) {
        batchBuilt = null;
        boolean urgent = keepFromSeq != Long.MAX_VALUE;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!config.isPeer(peer) || !linkUp[peer] || sentSeq[peer] >= lastSeq) continue;
            boolean due = urgent || !pushedEver[peer]
                    || nowNanos - pushedNanos[peer] >= config.pushIntervalNanos()
                    || lastSeq - sentSeq[peer] >= Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX;
            if (!due) continue;
            pushedNanos[peer] = nowNanos;
            pushedEver[peer] = true;
            ArrayDeque<InFlight> window = inFlight.get(peer);
            while (sentSeq[peer] < lastSeq
                    && window.size() < Limits.EVENTUAL_PUSH_BATCHES_IN_FLIGHT_MAX) {
                Push batch = nextBatch(sentSeq[peer] + 1, keepFromSeq);
                outbox.send(peer, batch);
                stats.pushBatchesSent++;
                stats.pushUpdatesSent += batch.updates().size();
                window.addLast(new InFlight(batch.fromSeq(), batch.toSeq(), nowNanos));
                sentSeq[peer] = batch.toSeq();
            }
        }
    }

    /** The batch starting at {@code fromSeq}: each key once, bounded size. */
    private Push nextBatch(long fromSeq, long keepFromSeq) {
        if (batchBuilt != null && batchBuilt.fromSeq() == fromSeq) return batchBuilt;
        batchBuilt = tail.holds(fromSeq) ? nextBatchFromTail(fromSeq, keepFromSeq)
                : nextBatchFromLog(fromSeq, keepFromSeq);
        return batchBuilt;
    }

    /**
     * From memory: the logged value of each key not changed since (no store read); a changed
     * key's entry is skipped, or, while a write waits for this position, its current value read.
     */
    private Push nextBatchFromTail(long fromSeq, long keepFromSeq) {
        BatchBuilder batch = new BatchBuilder();
        long toSeq = fromSeq - 1;
        for (long seq = fromSeq; seq <= lastSeq; seq++) {
            PushTail.Entry logged = tail.get(seq);
            Update update = !logged.superseded ? logged.update
                    : seq < keepFromSeq ? null : current(logged.update, false);
            if (!batch.add(update)) break;
            toSeq = seq;
        }
        return new Push(fromSeq, toSeq, batch.updates);
    }

    /** A push's updates, within the message bounds. */
    private static final class BatchBuilder {
        final List<Update> updates = new ArrayList<>();
        private int sizeBytes;

        /**
         * Adds {@code update} (null: the position counts, nothing travels); false, adding
         * nothing, when it would overflow a batch that already holds something.
         */
        boolean add(Update update) {
            int updateBytes = update == null ? 0 : EventualCodec.updateSizeBytes(update);
            boolean full = updates.size() == Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX
                    || sizeBytes + updateBytes > Limits.EVENTUAL_MESSAGE_SIZE_BYTES_TARGET;
            if (full && !updates.isEmpty()) return false;
            if (update != null) {
                updates.add(update);
                sizeBytes += updateBytes;
            }
            return true;
        }
    }

    /**
     * What to send for a logged write: the logged value while it is the key's value; null (the
     * position counts, nothing travels) when the key's tombstone was collected, or when a newer
     * value replaced it and no write waits for this position ({@code skipSuperseded}): the newer
     * value's own writer pushes it, and a later local write has its own position. Otherwise the
     * current value. Never older than what the replica holds now, so a batch resent late cannot
     * bring back a value older than a tombstone collected since.
     */
    private Update current(Update logged, boolean skipSuperseded) {
        return current(logged.keyspace(), logged.key(), logged.value().version(), logged,
                skipSuperseded);
    }

    /** As {@link #current(Update, boolean)}; {@code logged} may be null (read the value). */
    private Update current(int keyspace, byte[] key, Version loggedVersion, Update logged,
                           boolean skipSuperseded) {
        EventualStore.Entry entry = store.entry(keyspace, key);
        if (entry == null) return null;
        boolean superseded = !entry.version().equals(loggedVersion);
        if (superseded && skipSuperseded) return null;
        if (!superseded && logged != null) return logged;
        return new Update(keyspace, key, store.read(keyspace, key));
    }

    /** From the log in the store: as {@link #nextBatchFromTail}, reading each logged write. */
    private Push nextBatchFromLog(long fromSeq, long keepFromSeq) {
        BatchBuilder batch = new BatchBuilder();
        TreeSet<byte[]> seen = new TreeSet<>(Bytes.ORDER);
        long toSeq = fromSeq - 1;
        try (StateCursor cursor = store.scanMetadata(EventualLayout.log(fromSeq),
                EventualLayout.log(lastSeq + 1))) {
            for (; cursor.valid(); cursor.next()) {
                long seq = EventualLayout.seqOfLog(cursor.key());
                byte[] entry = cursor.value();
                int keyspace = entry[0] & 0xff;
                byte[] key = java.util.Arrays.copyOfRange(entry, 10, entry.length);
                byte[] compound = EventualLayout.compound(keyspace, key);
                if (!seen.contains(compound)) {
                    Version logged = new Version(Bytes.getLong(entry, 1), entry[9] & 0xff);
                    Update update = current(keyspace, key, logged, null, seq < keepFromSeq);
                    if (!batch.add(update)) break;
                    if (update != null) seen.add(compound);
                }
                toSeq = seq;
            }
        }
        // Positions dropped by the log bound leave a gap that the batch covers all the same.
        if (toSeq < fromSeq) toSeq = lastSeq;
        return new Push(fromSeq, toSeq, batch.updates);
    }

    /**
     * The transport's link to {@code peer}: pushes wait while it is down, and a new link
     * ({@code generation} changed) resends everything unacknowledged at once, since frames of the
     * previous link may be lost (no waiting for the retry timeout after a partition heals).
     */
    void onLink(int peer, boolean up, long generation) {
        linkUp[peer] = up;
        if (generation == linkGeneration[peer]) return;
        linkGeneration[peer] = generation;
        if (sentSeq[peer] > ackedSeq[peer] || !inFlight.get(peer).isEmpty()) {
            inFlight.get(peer).clear();
            sentSeq[peer] = ackedSeq[peer];
            pushedEver[peer] = false;
            stats.pushBatchesRetried++;
        }
    }

    /** Handles a peer's ack at {@code nowNanos}; true if its acknowledged position advanced. */
    boolean onPushAck(int peer, PushAck ack, long nowNanos) {
        ArrayDeque<InFlight> window = inFlight.get(peer);
        for (InFlight batch : window) {
            if (batch.fromSeq == ack.fromSeq() && batch.toSeq == ack.toSeq()) {
                batch.acknowledged = true;
            }
        }
        long before = ackedSeq[peer];
        if (ack.fromSeq() <= ackedSeq[peer] + 1 && ack.toSeq() > ackedSeq[peer]) {
            ackedSeq[peer] = Math.min(ack.toSeq(), lastSeq);
        }
        while (!window.isEmpty()) {
            InFlight head = window.peekFirst();
            if (head.toSeq <= ackedSeq[peer]) {
                window.removeFirst();
            } else if (head.acknowledged && head.fromSeq <= ackedSeq[peer] + 1) {
                ackedSeq[peer] = head.toSeq;
                window.removeFirst();
            } else {
                break;
            }
        }
        if (ackedSeq[peer] == before) return false;
        ackedNanos[peer] = nowNanos;
        if (sentSeq[peer] < ackedSeq[peer]) sentSeq[peer] = ackedSeq[peer];
        store.putLong(EventualLayout.peerAcked(peer), ackedSeq[peer]);
        return true;
    }

    /**
     * Resends from the acknowledged position to peers whose oldest batch went unanswered, with no
     * acknowledgement progress either for the retry time: a peer busy merging a long backlog is
     * not sent it twice.
     */
    void retryExpired(long nowNanos) {
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            ArrayDeque<InFlight> window = inFlight.get(peer);
            if (window.isEmpty()) continue;
            long quietSinceNanos = window.peekFirst().sentNanos;
            if (ackedNanos[peer] - quietSinceNanos > 0) quietSinceNanos = ackedNanos[peer];
            if (nowNanos - quietSinceNanos < config.pushRetryNanos()) continue;
            window.clear();
            sentSeq[peer] = ackedSeq[peer];
            stats.pushBatchesRetried++;
        }
    }

    /**
     * Deletes log entries every peer acknowledged, below {@code keepFromSeq} (the oldest write
     * still waiting for acks). A tombstone this node wrote that is still the key's value is held
     * by every replica now (each holds it or something newer), so it is dropped as well, once it
     * settled ({@link SettlingTombstones}). Then enforces the log bound.
     */
    void truncate(long keepFromSeq, long nowNanos) {
        long acknowledgedByAll = lastSeq;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!config.isPeer(peer)) continue;
            acknowledgedByAll = Math.min(acknowledgedByAll, ackedSeq[peer]);
        }
        long toSeq = Math.min(Math.min(acknowledgedByAll, keepFromSeq - 1),
                firstSeq + Limits.EVENTUAL_LOG_TRUNCATE_COUNT_MAX - 1);
        if (toSeq >= firstSeq) {
            settleAcknowledgedTombstones(toSeq, nowNanos + config.tombstoneSettleNanos());
            deleteLogEntries(toSeq + 1);
        }
        enforceBound(keepFromSeq);
    }

    /** Deletes the log entries below {@code newFirstSeq}, each by its key (no range tombstone). */
    private void deleteLogEntries(long newFirstSeq) {
        Assert.that(newFirstSeq - firstSeq <= Limits.EVENTUAL_LOG_TRUNCATE_COUNT_MAX,
                "truncating %d log entries in one step", newFirstSeq - firstSeq);
        for (long seq = firstSeq; seq < newFirstSeq; seq++) {
            store.deleteMetadata(EventualLayout.log(seq));
        }
        firstSeq = newFirstSeq;
        tail.dropBelow(firstSeq);
    }

    private void settleAcknowledgedTombstones(long toSeq, long dueNanos) {
        // Positions [firstSeq, fromTailSeq) come from the store, [fromTailSeq, toSeq] from memory.
        long fromTailSeq = Math.min(toSeq + 1, Math.max(firstSeq, tail.firstSeq(toSeq + 1)));
        for (long seq = fromTailSeq; seq <= toSeq; seq++) {
            Update update = tail.get(seq).update;
            if (update.value().isTombstone()) {
                settle(update.keyspace(), update.key(), update.value().version(), dueNanos);
            }
        }
        if (fromTailSeq <= firstSeq) return;
        try (StateCursor cursor = store.scanMetadata(EventualLayout.log(firstSeq),
                EventualLayout.log(fromTailSeq))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] entry = cursor.value();
                Version version = new Version(Bytes.getLong(entry, 1), entry[9] & 0xff);
                byte[] key = java.util.Arrays.copyOfRange(entry, 10, entry.length);
                settle(entry[0] & 0xff, key, version, dueNanos);
            }
        }
    }

    /** Queues the key's tombstone at {@code version} to be dropped, if it is still its value. */
    private void settle(int keyspace, byte[] key, Version version, long dueNanos) {
        EventualStore.Entry entry = store.entry(keyspace, key);
        if (entry == null || !entry.tombstone() || !entry.version().equals(version)) return;
        settling.add(new KeyVersion(keyspace, key, version, true), dueNanos);
    }

    /** Refreshes each peer's lag in {@link EventualStats}: entries, and the oldest one's age. */
    void refreshLag(long wallMillis) {
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            long entries = config.isPeer(peer) ? lastSeq - ackedSeq[peer] : 0;
            stats.peerLagEntries[peer] = entries;
            stats.peerLagMillis[peer] = entries == 0 ? 0
                    : Math.max(0, wallMillis - Hlc.physicalMillis(loggedTimestamp(ackedSeq[peer]
                            + 1)));
        }
    }

    /** The version timestamp logged at {@code seq} (in memory, else one read of the log). */
    private long loggedTimestamp(long seq) {
        if (tail.holds(seq)) return tail.get(seq).update.value().version().timestamp();
        byte[] entry = store.getMetadata(EventualLayout.log(seq));
        Assert.that(entry != null, "update log position %d missing (first %d)", seq, firstSeq);
        return Bytes.getLong(entry, 1);
    }

    /** Drops the acknowledged tombstones that settled. */
    void dropSettledTombstones(long nowNanos) {
        settling.dropDue(nowNanos, store, stats);
    }

    private void enforceBound(long keepFromSeq) {
        long retained = lastSeq - firstSeq + 1;
        if (retained <= Limits.EVENTUAL_LOG_ENTRIES_COUNT_MAX) return;
        long newFirstSeq = Math.min(lastSeq - Limits.EVENTUAL_LOG_ENTRIES_COUNT_MAX + 1,
                keepFromSeq);
        newFirstSeq = Math.min(newFirstSeq, firstSeq + Limits.EVENTUAL_LOG_TRUNCATE_COUNT_MAX);
        if (newFirstSeq <= firstSeq) return;
        stats.logEntriesOverflowed += newFirstSeq - firstSeq;
        deleteLogEntries(newFirstSeq);
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!config.isPeer(peer) || ackedSeq[peer] >= firstSeq - 1) continue;
            // The peer never got these entries; anti-entropy will find what it misses.
            ackedSeq[peer] = firstSeq - 1;
            sentSeq[peer] = Math.max(sentSeq[peer], ackedSeq[peer]);
            inFlight.get(peer).clear();
            sentSeq[peer] = ackedSeq[peer];
            store.putLong(EventualLayout.peerAcked(peer), ackedSeq[peer]);
        }
    }
}
