package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;
import kv.server.Clock;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandFlag;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.eventual.EventualMessage.DigestReply;
import kv.server.eventual.EventualMessage.DigestRequest;
import kv.server.eventual.EventualMessage.Fetch;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.eventual.EventualMessage.Push;
import kv.server.eventual.EventualMessage.PushAck;
import kv.server.eventual.EventualMessage.RangeReply;
import kv.server.eventual.EventualMessage.RangeRequest;
import kv.server.eventual.EventualMessage.ReadReply;
import kv.server.eventual.EventualMessage.ReadRequest;
import kv.server.eventual.EventualMessage.Repair;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.StateOverlay;
import kv.server.statemachine.StateReader;

/**
 * One replica of the eventual keyspaces: multimaster, last writer wins per key (DESIGN.md,
 * "Eventual keyspaces"). Single-threaded and deterministic: commands, peer frames and ticks go
 * in; every effect comes out in an {@link EventualReady} (etcd-io/raft {@code rawnode.go}).
 *
 * <p>A write runs the ordinary command code over an overlay, then stores each key it changed as
 * one whole value stamped with a new HLC version, logs it for push and acknowledges after its
 * level's replicas hold it. The keys' records live in the state column in the usual layout, so a
 * level-ONE read is the ordinary read path. Restart: construct over the persisted columns.
 */
public final class EventualReplica {
    private static final Reply BUSY = Reply.error("BUSY too many eventual requests waiting for "
            + "replicas (max " + Limits.EVENTUAL_PENDING_REQUESTS_COUNT_MAX + "); retry later");

    /** A write waiting for replicas: it is applied here already. */
    private record PendingWrite(long requestId, long seq, int requiredCount, long deadlineNanos) {}

    private final EventualConfig config;
    private final Clock clock;
    private final EventualStats stats = new EventualStats();
    private final EventualStore store;
    private final Hlc hlc;
    private final Outbox outbox;
    private final Merger merger;
    private final Replication replication;
    private final QuorumReads quorumReads;
    private final AntiEntropy antiEntropy;
    /** In arrival order, so in log order and in deadline order. */
    private final List<PendingWrite> pendingWrites = new ArrayList<>();
    /** The command replies of pending writes, parallel to {@link #pendingWrites}. */
    private final List<Reply> pendingReplies = new ArrayList<>();
    private long nowNanos;
    private boolean readyOutstanding;
    private long hlcPersisted;
    /** This turn acknowledges something as durable (see {@link EventualReady#mustSync()}). */
    private boolean mustSync;

    /**
     * @param state    the state column family (keys' records of every keyspace)
     * @param metadata the eventual column family
     */
    public EventualReplica(EventualConfig config, StateReader state, StateReader metadata,
                           Clock clock) {
        this.config = config;
        this.clock = clock;
        this.store = new EventualStore(state, metadata);
        this.hlcPersisted = store.getLong(EventualLayout.NODE_HLC, 0);
        this.hlc = new Hlc(clock, hlcPersisted);
        this.outbox = new Outbox(hlc);
        this.merger = new Merger(config, store, hlc, stats);
        this.replication = new Replication(config, store, outbox, stats);
        store.listen(replication::onKeyChanged);
        // Request ids start at a clock reading: a reply addressed to a run before a restart
        // cannot match a request of this run.
        long idFirst = hlc.now();
        this.quorumReads = new QuorumReads(config, store, merger, outbox, stats, idFirst);
        this.antiEntropy = new AntiEntropy(config, store, merger, outbox, stats, idFirst);
        this.nowNanos = clock.monotonicNanos();
    }

    public EventualStats stats() {
        return stats;
    }

    /**
     * The XOR over this replica's live keys of {@code keyspace} of a hash of (key, version):
     * two replicas holding the same values (same versions) have the same digest. Tombstones
     * and absent keys read alike, so they do not count.
     */
    public long keyspaceDigest(int keyspace) {
        return store.keyspaceDigest(keyspace);
    }

    /** The key's value and version here; a tombstone at {@link Version#ZERO} if unknown. */
    public Versioned valueOf(int keyspace, byte[] key) {
        return store.read(keyspace, key);
    }

    // Inputs.

    /**
     * A write command (or a read; it is then served as {@link #read}) to an eventual keyspace,
     * answered under {@code requestId} once {@code level} replicas hold it or the write timeout
     * passed. An error reply leaves no trace; a timed-out write stays applied where it landed.
     */
    public void write(long requestId, Command command, Level level) {
        store.checkTurnOpen();
        Reply refusal = EventualCommands.refusal(command);
        if (refusal != null) {
            outbox.reply(requestId, refusal);
            return;
        }
        if (!command.type().isWrite()) {
            read(requestId, command, level);
            return;
        }
        if (pendingCount() >= Limits.EVENTUAL_PENDING_REQUESTS_COUNT_MAX) {
            stats.requestsBusy++;
            outbox.reply(requestId, BUSY);
            return;
        }
        Version version = new Version(hlc.now(), config.nodeIndex());
        if (isPlainSet(command)) {
            setAtOnce(requestId, command, level, version);
            return;
        }
        StateOverlay scratch = new StateOverlay(store.state());
        Reply reply = KeyRecords.execute(command, scratch, scratch, version.stamp());
        if (reply.isError()) {
            outbox.reply(requestId, reply);
            return;
        }
        List<Update> changed = new ArrayList<>();
        Reply tooLarge = changedKeys(command, scratch, version, changed);
        if (tooLarge != null) {
            outbox.reply(requestId, tooLarge);
            return;
        }
        long seq = 0;
        if (!changed.isEmpty()) mustSync = true;
        for (Update update : changed) {
            store.put(update.keyspace(), update.key(), update.value());
            seq = replication.append(update);
        }
        acknowledgeOrWait(requestId, reply, level, seq);
    }

    /** {@code SET key value} without options: always OK, the new value is known without reads. */
    private static boolean isPlainSet(Command command) {
        return command.type() == CommandType.SET && command.args().length == 3;
    }

    /**
     * A plain SET without running the command code: the key's new value is the argument, so
     * the blob is built directly and only the version record is read (by the put). The records
     * written are those of the general path (KeyRecordsTest compares the blobs).
     */
    private void setAtOnce(long requestId, Command command, Level level, Version version) {
        byte[] key = command.args()[1];
        Update update = new Update(command.keyspaceIndex(), key, new Versioned(version,
                KeyRecords.stringBlob(command.args()[2], version.stamp())));
        store.put(update.keyspace(), key, update.value());
        mustSync = true;
        acknowledgeOrWait(requestId, Reply.OK, level, replication.append(update));
    }

    /** Answers a write applied here at log position {@code seq} (0: nothing changed). */
    private void acknowledgeOrWait(long requestId, Reply reply, Level level, long seq) {
        int requiredCount = level.requiredCount(config.replicasCount());
        if (config.brokenVariant() == EventualBrokenVariant.ACK_WITHOUT_REPLICAS) requiredCount = 1;
        if (seq == 0 || requiredCount == 1) {
            stats.writesAcknowledged++;
            outbox.reply(requestId, reply);
            return;
        }
        pendingWrites.add(new PendingWrite(requestId, seq, requiredCount,
                nowNanos + config.writeTimeoutNanos()));
        pendingReplies.add(reply);
    }

    /**
     * The keys the command changed, as whole values at {@code version}; a -LIMIT error if one
     * grew past {@link Limits#EVENTUAL_VALUE_SIZE_BYTES_MAX} (then nothing is applied).
     */
    private Reply changedKeys(Command command, StateOverlay after, Version version,
                              List<Update> changed) {
        boolean deletesEveryKey = EventualCommands.deletesEveryKey(command.type());
        int keyspace = command.keyspaceIndex();
        for (byte[] key : EventualCommands.keysOf(command)) {
            byte[] blobAfter = KeyRecords.encode(after, keyspace, key);
            boolean same = !KeyRecords.changed(after, store.state(), keyspace, key, blobAfter);
            if (same && !(deletesEveryKey && blobAfter == null)) continue;
            if (blobAfter != null && blobAfter.length > Limits.EVENTUAL_VALUE_SIZE_BYTES_MAX) {
                return Reply.error("LIMIT eventual value of key would be " + blobAfter.length
                        + " bytes, exceeds max " + Limits.EVENTUAL_VALUE_SIZE_BYTES_MAX
                        + " bytes (values replicate whole)");
            }
            byte[] blob = blobAfter == null ? null : KeyRecords.restamp(blobAfter,
                    version.stamp());
            changed.add(new Update(keyspace, key, new Versioned(version, blob)));
        }
        return null;
    }

    /**
     * A read command, answered under {@code requestId}. ONE reads locally; QUORUM and ALL ask
     * the peers for the keys the command names, answer with the newest, and repair stale
     * replicas. Commands that name no key (DBSIZE, KEYS, SCAN) read locally at every level.
     */
    public void read(long requestId, Command command, Level level) {
        store.checkTurnOpen();
        Reply refusal = EventualCommands.refusal(command);
        if (refusal != null) {
            outbox.reply(requestId, refusal);
            return;
        }
        Assert.that(command.type().flag == CommandFlag.READ, "read path got %s", command.type());
        List<byte[]> keys = EventualCommands.keysOf(command);
        int requiredCount = level.requiredCount(config.replicasCount());
        if (requiredCount == 1 || keys.isEmpty()) {
            outbox.reply(requestId, KeyRecords.execute(command, store.state(), null, 0));
            return;
        }
        if (keys.size() > Limits.EVENTUAL_READ_KEYS_COUNT_MAX) {
            outbox.reply(requestId, Reply.error("LIMIT a " + level + " read names " + keys.size()
                    + " keys, exceeds max " + Limits.EVENTUAL_READ_KEYS_COUNT_MAX + " keys"));
            return;
        }
        if (pendingCount() >= Limits.EVENTUAL_PENDING_REQUESTS_COUNT_MAX) {
            stats.requestsBusy++;
            outbox.reply(requestId, BUSY);
            return;
        }
        quorumReads.start(requestId, command, keys, requiredCount, nowNanos);
    }

    private int pendingCount() {
        return pendingWrites.size() + quorumReads.pendingCount();
    }

    /**
     * The state of the transport's link to peer {@code nodeIndex}: whether it is up, and how many
     * times it was established. The driver reports it before each turn; without reports every
     * link counts as up and lost pushes wait for the retry time.
     */
    public void onLink(int nodeIndex, boolean up, long generation) {
        store.checkTurnOpen();
        Assert.that(config.isPeer(nodeIndex), "link to %d, not a peer", nodeIndex);
        replication.onLink(nodeIndex, up, generation);
    }

    /** A peer frame of an eventual type ({@link EventualMessageType#isEventual}). */
    public void onMessage(int fromNodeIndex, int frameType, byte[] body) {
        store.checkTurnOpen();
        EventualCodec.Decoded decoded = EventualCodec.decode(frameType, body);
        if (decoded.problem() != null || !config.isPeer(fromNodeIndex)) {
            stats.messagesRejected++;
            return;
        }
        hlc.observe(decoded.senderTimestamp());
        EventualMessage message = decoded.message();
        switch (message.type()) {
            case PUSH -> onPush(fromNodeIndex, (Push) message);
            case PUSH_ACK -> {
                if (replication.onPushAck(fromNodeIndex, (PushAck) message, nowNanos)) {
                    onReplicaProgress();
                }
            }
            case REPAIR -> {
                for (Update update : ((Repair) message).updates()) merger.merge(update);
            }
            case READ_REQUEST -> quorumReads.onReadRequest(fromNodeIndex, (ReadRequest) message);
            case READ_REPLY -> quorumReads.onReadReply(fromNodeIndex, (ReadReply) message);
            case DIGEST_REQUEST -> antiEntropy.onDigestRequest(fromNodeIndex,
                    (DigestRequest) message);
            case DIGEST_REPLY -> antiEntropy.onDigestReply(fromNodeIndex, (DigestReply) message);
            case RANGE_REQUEST -> antiEntropy.onRangeRequest(fromNodeIndex, (RangeRequest) message);
            case RANGE_REPLY -> antiEntropy.onRangeReply(fromNodeIndex, (RangeReply) message);
            case FETCH -> antiEntropy.onFetch(fromNodeIndex, (Fetch) message);
        }
    }

    private void onPush(int from, Push push) {
        mustSync = true;
        boolean refused = false;
        for (Update update : push.updates()) {
            refused |= !merger.accepts(update.keyspace());
            merger.merge(update); // merges the others; counts a refused one
        }
        // Not acknowledged if it held values this node refuses (a keyspace strong here): the
        // writer must not count this replica for them. Else sent only after this turn is
        // persisted (EventualReady order): the ack means durable.
        if (!refused) outbox.send(from, new PushAck(push.fromSeq(), push.toSeq()));
    }

    /** A peer acknowledged more: answer the writes that now have their replicas. */
    private void onReplicaProgress() {
        int kept = 0;
        for (int i = 0; i < pendingWrites.size(); i++) {
            PendingWrite write = pendingWrites.get(i);
            if (replication.replicasHolding(write.seq()) >= write.requiredCount()) {
                stats.writesAcknowledged++;
                outbox.reply(write.requestId(), pendingReplies.get(i));
            } else {
                pendingWrites.set(kept, write);
                pendingReplies.set(kept, pendingReplies.get(i));
                kept++;
            }
        }
        truncateTail(kept);
        replication.truncate(oldestPendingSeq(), nowNanos);
    }

    private void truncateTail(int kept) {
        while (pendingWrites.size() > kept) {
            pendingWrites.remove(pendingWrites.size() - 1);
            pendingReplies.remove(pendingReplies.size() - 1);
        }
    }

    private long oldestPendingSeq() {
        return pendingWrites.isEmpty() ? Long.MAX_VALUE : pendingWrites.get(0).seq();
    }

    /** Time passes: expire waits, resend unacknowledged pushes, anti-entropy, tombstone GC. */
    public void tick(long nowMonotonicNanos) {
        store.checkTurnOpen();
        Assert.that(nowMonotonicNanos - nowNanos >= 0, "monotonic time went back by %d ns",
                nowNanos - nowMonotonicNanos);
        nowNanos = nowMonotonicNanos;
        expireWrites();
        quorumReads.expire(nowNanos);
        replication.retryExpired(nowNanos);
        replication.truncate(oldestPendingSeq(), nowNanos);
        replication.dropSettledTombstones(nowNanos);
        replication.refreshLag(clock.wallMillis());
        antiEntropy.tick(nowNanos);
        collectTombstones();
    }

    private void expireWrites() {
        int expired = 0;
        while (expired < pendingWrites.size()
                && nowNanos - pendingWrites.get(expired).deadlineNanos() >= 0) {
            PendingWrite write = pendingWrites.get(expired);
            stats.writesUnavailable++;
            outbox.reply(write.requestId(), Reply.error("UNAVAILABLE write reached "
                    + replication.replicasHolding(write.seq()) + " of " + write.requiredCount()
                    + " required replicas within " + config.writeTimeoutNanos() / 1_000_000
                    + " ms; it stays applied on those and will spread by anti-entropy"));
            expired++;
        }
        pendingWrites.subList(0, expired).clear();
        pendingReplies.subList(0, expired).clear();
    }

    /**
     * Drops tombstones older than the grace period by their version's wall time. Past it, a
     * replica that never received the tombstone can bring the deleted value back: the
     * documented limit of the guarantee.
     */
    private void collectTombstones() {
        long cutoff = Hlc.ofMillis(Math.max(0, clock.wallMillis() - config.tombstoneGraceMillis()));
        List<KeyVersion> oldest = store.oldestTombstones(Limits.EVENTUAL_TOMBSTONE_GC_COUNT_MAX);
        for (KeyVersion tombstone : oldest) {
            if (tombstone.version().timestamp() >= cutoff) break;
            if (store.dropTombstone(tombstone.keyspace(), tombstone.key(), tombstone.version())) {
                stats.tombstonesDropped++;
            }
        }
    }

    // Output.

    /** The work of this turn; no input until {@link #advance()}. */
    public EventualReady ready() {
        store.checkTurnOpen();
        Assert.that(!readyOutstanding, "ready() called twice without advance()");
        // Pacing reads the clock: turns come faster than ticks under load.
        replication.push(Math.max(nowNanos, clock.monotonicNanos()), oldestPendingSeq());
        replication.persistLastSeq();
        if (hlc.last() != hlcPersisted) {
            // The clock never goes back across a restart, even if the wall clock did.
            store.putLong(EventualLayout.NODE_HLC, hlc.last());
            hlcPersisted = hlc.last();
        }
        readyOutstanding = true;
        store.endTurn();
        boolean sync = mustSync;
        mustSync = false;
        return new EventualReady(store.stateWrites(), store.metadataWrites(),
                outbox.takeMessages(), outbox.takeReplies(), sync);
    }

    /** The driver persisted, sent and answered the last {@link #ready()}. */
    public void advance() {
        Assert.that(readyOutstanding, "advance() without ready()");
        readyOutstanding = false;
        store.startTurn();
    }
}
