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
 * <p>The newest entries stay in memory with the values written ({@link PushTail}), so a batch
 * reads only each key's version record (still cached when it goes out in the turn of the write)
 * and the value only if a newer one replaced the logged one. Truncation deletes entries
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
     * interval, unless {@code urgent} (a write waits for replicas) or a full batch waits.
     */
    void push(long nowNanos, boolean urgent) {
        batchBuilt = null;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!config.isPeer(peer) || sentSeq[peer] >= lastSeq) continue;
            boolean due = urgent || !pushedEver[peer]
                    || nowNanos - pushedNanos[peer] >= config.pushIntervalNanos()
                    || lastSeq - sentSeq[peer] >= Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX;
            if (!due) continue;
            pushedNanos[peer] = nowNanos;
            pushedEver[peer] = true;
            ArrayDeque<InFlight> window = inFlight.get(peer);
            while (sentSeq[peer] < lastSeq
                    && window.size() < Limits.EVENTUAL_PUSH_BATCHES_IN_FLIGHT_MAX) {
                Push batch = nextBatch(sentSeq[peer] + 1);
                outbox.send(peer, batch);
                stats.pushBatchesSent++;
                window.addLast(new InFlight(batch.fromSeq(), batch.toSeq(), nowNanos));
                sentSeq[peer] = batch.toSeq();
            }
        }
    }

    /** The batch starting at {@code fromSeq}: each key once, bounded size. */
    private Push nextBatch(long fromSeq) {
        if (batchBuilt != null && batchBuilt.fromSeq() == fromSeq) return batchBuilt;
        batchBuilt = tail.holds(fromSeq) ? nextBatchFromTail(fromSeq) : nextBatchFromLog(fromSeq);
        return batchBuilt;
    }

    /** From memory: each key's current value, usually the logged one (no value read). */
    private Push nextBatchFromTail(long fromSeq) {
        List<Update> updates = new ArrayList<>();
        TreeSet<byte[]> seen = new TreeSet<>(Bytes.ORDER);
        long toSeq = fromSeq - 1;
        int sizeBytes = 0;
        for (long seq = fromSeq; seq <= lastSeq; seq++) {
            Update logged = tail.get(seq);
            // The key's current value already travels in this batch: the position counts.
            if (!seen.add(EventualLayout.compound(logged.keyspace(), logged.key()))) {
                toSeq = seq;
                continue;
            }
            Update update = current(logged);
            int updateBytes = update == null ? 0 : EventualCodec.updateSizeBytes(update);
            boolean full = updates.size() == Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX
                    || sizeBytes + updateBytes > Limits.EVENTUAL_MESSAGE_SIZE_BYTES_TARGET;
            if (full && !updates.isEmpty()) break;
            // A collected tombstone leaves nothing to send; the position still counts.
            if (update != null) {
                updates.add(update);
                sizeBytes += updateBytes;
            }
            toSeq = seq;
        }
        return new Push(fromSeq, toSeq, updates);
    }

    /**
     * The key's current value: the logged one unless a newer value replaced it (null: the key's
     * tombstone was collected). Never an older value than the replica holds now, so a batch
     * resent late cannot bring back a value older than a tombstone collected since.
     */
    private Update current(Update logged) {
        EventualStore.Entry entry = store.entry(logged.keyspace(), logged.key());
        if (entry == null) return null;
        if (entry.version().equals(logged.value().version())) return logged;
        return new Update(logged.keyspace(), logged.key(),
                store.read(logged.keyspace(), logged.key()));
    }

    /** From the log in the store: current values, each key once, bounded size. */
    private Push nextBatchFromLog(long fromSeq) {
        List<Update> updates = new ArrayList<>();
        TreeSet<byte[]> seen = new TreeSet<>(Bytes.ORDER);
        long toSeq = fromSeq - 1;
        int sizeBytes = 0;
        try (StateCursor cursor = store.scanMetadata(EventualLayout.log(fromSeq),
                EventualLayout.log(lastSeq + 1))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] entry = cursor.value();
                int keyspace = entry[0] & 0xff;
                byte[] key = java.util.Arrays.copyOfRange(entry, 10, entry.length);
                if (seen.add(EventualLayout.compound(keyspace, key))) {
                    Versioned value = store.read(keyspace, key);
                    Update update = new Update(keyspace, key, value);
                    int updateBytes = EventualCodec.updateSizeBytes(update);
                    boolean full = updates.size() == Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX
                            || sizeBytes + updateBytes > Limits.EVENTUAL_MESSAGE_SIZE_BYTES_TARGET;
                    if (full && !updates.isEmpty()) break;
                    // A collected tombstone leaves nothing to send; the position still counts.
                    if (!value.version().equals(Version.ZERO)) {
                        updates.add(update);
                        sizeBytes += updateBytes;
                    }
                }
                toSeq = EventualLayout.seqOfLog(cursor.key());
            }
        }
        // Positions dropped by the log bound leave a gap that the batch covers all the same.
        if (toSeq < fromSeq) toSeq = lastSeq;
        return new Push(fromSeq, toSeq, updates);
    }

    /** Handles a peer's ack; true if its acknowledged position advanced. */
    boolean onPushAck(int peer, PushAck ack) {
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
        if (sentSeq[peer] < ackedSeq[peer]) sentSeq[peer] = ackedSeq[peer];
        store.putLong(EventualLayout.peerAcked(peer), ackedSeq[peer]);
        return true;
    }

    /** Resends from the acknowledged position to peers whose oldest batch went unanswered. */
    void retryExpired(long nowNanos) {
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            ArrayDeque<InFlight> window = inFlight.get(peer);
            if (window.isEmpty()) continue;
            if (nowNanos - window.peekFirst().sentNanos < config.pushRetryNanos()) continue;
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
            Update update = tail.get(seq);
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
        if (tail.holds(seq)) return tail.get(seq).value().version().timestamp();
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
