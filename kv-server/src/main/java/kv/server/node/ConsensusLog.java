package kv.server.node;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kv.server.Clock;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandCodec;
import kv.server.command.Reply;
import kv.server.consensus.Ballots;
import kv.server.consensus.DurableState;
import kv.server.consensus.Entry;
import kv.server.consensus.EventLog;
import kv.server.consensus.Message;
import kv.server.consensus.MessageCodec;
import kv.server.consensus.MessageType;
import kv.server.consensus.ProposeResult;
import kv.server.consensus.Ready;
import kv.server.consensus.Replica;
import kv.server.consensus.ReplicaConfig;
import kv.server.consensus.Role;
import kv.server.consensus.Snapshot;
import kv.server.consensus.ValueKind;
import kv.server.log.LogMetrics;
import kv.server.log.ReadPath;
import kv.server.log.ReplicatedLog;
import kv.server.statemachine.KvStateMachine;
import kv.server.statemachine.StateWrites;
import kv.server.storage.StateStore;
import kv.server.storage.rocksdb.RocksConsensusStore;
import kv.server.transport.Frame;
import kv.server.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Multi-Paxos log behind {@link ReplicatedLog}: one node-loop thread owns the {@link Replica}
 * and drives it as etcd-io/raft's contract says — drain inputs (bounded), tick, persist the Ready
 * in one synced WriteBatch, then send, then apply, then answer (STYLE.md section 1).
 *
 * <p>Any node takes commands: a follower forwards them to the leader and answers once they are
 * chosen and applied locally, so plain Redis clients never see a redirect. Every command carries
 * this node's incarnation id and a sequence, which is how the applying node finds the client to
 * answer. Reads travel through the log as well (linearizable; the quorum-lease issue makes them
 * local). Every wait is bounded by {@code requestTimeoutNanos}: -CLUSTERDOWN if the command never
 * left this node, -UNKNOWN if it may have been applied.
 */
public final class ConsensusLog implements ReplicatedLog, ReadPath {
    private static final Logger LOG = LoggerFactory.getLogger(ConsensusLog.class);
    /** Frame type of a client command forwarded by a follower to the leader. */
    static final int FRAME_FORWARD = 20;

    private sealed interface Input permits Proposal, Inbound, Read {}

    private record Proposal(Command command, ReplicatedLog.Callback callback) implements Input {}

    /** Reads the lease gate refused: the loop serves them once current, or via the leader. */
    private record Read(List<Command> commands, ReadPath.Callback callback) implements Input {}

    private record Inbound(Frame frame) implements Input {}

    private final LoopInbox<Input> inbound = new LoopInbox<>();
    private final Replica replica;
    private final KvStateMachine stateMachine;
    private final StateStore state;
    private final RocksConsensusStore store;
    private final Clock clock;
    private final LogMetrics metrics;
    private final int[] nodeIdByIndex;
    private final int selfIndex;
    private final long tickNanos;
    private final long requestTimeoutNanos;
    /** Compact the log once this many applied slots sit above the last compaction point. */
    private final long snapshotIntervalSlots;
    /** The keyspaces this log replicates; snapshots cover exactly these. */
    private final int[] strongKeyspaceIndexes;
    /** Marks this process's proposals, so that it answers exactly the commands it proposed. */
    private final long incarnationId = new SecureRandom().nextLong() | Long.MIN_VALUE;
    private final PendingReplies pending = new PendingReplies();
    private final ReadPath localReads;
    private final LeaseReads leaseReads;
    private final boolean leasesEnabled;
    /** Proposals waiting for a leader to be known; routed as soon as one is. */
    private final List<Command> waitingForLeader = new ArrayList<>();
    private final Reply unknown;
    private final Reply clusterDown;
    private final Thread thread;
    private PeerTransport transport;
    private long sequence;
    private volatile boolean running = true;
    private volatile ClusterStatus status;
    private long leaderChangesCount;
    private long snapshotsSentCount;
    private int lastLeaderIndex = -1;

    public ConsensusLog(ReplicaConfig config, int[] nodeIdByIndex, RocksConsensusStore store,
                        StateStore state, KvStateMachine stateMachine, Clock clock, LogMetrics metrics,
                        long tickNanos, long requestTimeoutNanos, long snapshotIntervalSlots,
                        int[] strongKeyspaceIndexes, ReadPath localReads) {
        this.localReads = localReads;
        this.snapshotIntervalSlots = snapshotIntervalSlots;
        this.strongKeyspaceIndexes = strongKeyspaceIndexes.clone();
        this.nodeIdByIndex = nodeIdByIndex;
        this.selfIndex = config.nodeIndex();
        this.store = store;
        this.state = state;
        this.stateMachine = stateMachine;
        this.clock = clock;
        this.metrics = metrics;
        this.tickNanos = tickNanos;
        this.requestTimeoutNanos = requestTimeoutNanos;
        long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos);
        this.unknown = Reply.error("UNKNOWN the command reached the leader but no result came back"
                + " within " + timeoutMillis + " ms; it may or may not have been applied: read"
                + " the key back, or retry with the same client session");
        this.clusterDown = Reply.error("CLUSTERDOWN no leader with a majority is reachable from"
                + " node " + nodeIdByIndex[selfIndex] + " within " + timeoutMillis
                + " ms; the command was not applied; retry later");
        DurableState restored = store.load(state.appliedSlot(), config.membersMask());
        this.replica = new Replica(config, restored, eventLog(nodeIdByIndex[selfIndex]),
                new SplittableRandom(new SecureRandom().nextLong()));
        this.leaseReads = new LeaseReads(replica, localReads, tickNanos);
        this.leasesEnabled = config.lease().enabled();
        publishStatus();
        this.thread = new Thread(this::run, "node-" + nodeIdByIndex[selfIndex] + "-consensus");
    }

    /** Connects the transport (built with {@link #onFrame} as its receiver) and starts the loop. */
    public void start(PeerTransport transport) {
        this.transport = transport;
        thread.start();
    }

    private static EventLog eventLog(int nodeId) {
        return new EventLog() {
            @Override
            public void info(String line) {
                LOG.info("node={} {}", nodeId, line);
            }

            @Override
            public void warn(String line) {
                LOG.warn("node={} {}", nodeId, line);
            }
        };
    }

    // ---------------------------------------------------------------- inputs (any thread)

    @Override
    public void propose(Command command, ReplicatedLog.Callback callback) {
        if (!running) {
            callback.onReply(Reply.error("TRYAGAIN the node is shutting down; retry on another node"));
        } else if (!inbound.offer(new Proposal(command, callback))) {
            metrics.onRejectedBusy();
            callback.onReply(Reply.error("BUSY the node's proposal queue is full; retry with backoff"));
        }
    }

    /** Under a valid quorum lease, locally (maybe after a short wait); else through the log. */
    @Override
    public void read(List<Command> commands, ReadPath.Callback callback) {
        if (leaseReads.tryRead(commands, callback, clock.monotonicNanos())) return;
        if (!running) {
            callback.onReplies(repeat(Reply.error(
                    "TRYAGAIN the node is shutting down; retry on another node"), commands.size()));
        } else if (!inbound.offer(new Read(commands, callback))) {
            metrics.onRejectedBusy();
            callback.onReplies(repeat(Reply.error(
                    "BUSY the node's proposal queue is full; retry with backoff"), commands.size()));
        }
    }

    @Override
    public Reply tryReadNow(Command command) {
        return leaseReads.tryReadNow(command, clock.monotonicNanos());
    }

    private static List<Reply> repeat(Reply reply, int count) {
        return java.util.Collections.nCopies(count, reply);
    }

    /** Node loop: each read becomes a proposal, so it is ordered with the writes at the leader. */
    private void readThroughLog(List<Command> commands, ReadPath.Callback callback) {
        Reply[] replies = new Reply[commands.size()];
        AtomicInteger remaining = new AtomicInteger(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            int index = i;
            handle(new Proposal(commands.get(i), reply -> {
                replies[index] = reply;
                if (remaining.decrementAndGet() == 0) callback.onReplies(List.of(replies));
            }));
        }
    }

    /** Receives a peer frame on a transport thread; a full queue drops it (Paxos retransmits). */
    public void onFrame(Frame frame) {
        inbound.offer(new Inbound(frame));
    }

    @Override
    public long appliedSlot() {
        return state.appliedSlot();
    }

    public ClusterStatus status() {
        return status;
    }

    // ---------------------------------------------------------------- the node loop

    private void run() {
        long loopStartNanos = clock.monotonicNanos();
        leaseReads.start(loopStartNanos);
        long nextTickNanos = loopStartNanos + tickNanos;
        List<Input> drained = new ArrayList<>(Limits.INBOUND_DRAIN_COUNT_MAX);
        while (running) {
            try {
                long waitNanos = replica.hasReady() ? 0 : nextTickNanos - clock.monotonicNanos();
                inbound.drainInto(drained, waitNanos);
            } catch (InterruptedException e) {
                break;
            }
            // Ticks first: the inputs drained arrived by now, so the replica stamps them with a
            // tick count at most one tick behind their arrival. Lease grants rely on this: a
            // grantor that stamped a holder's acknowledgement with a stale count after a stall
            // would let its grant lapse before the holder's lease did.
            long now = clock.monotonicNanos();
            boolean ticked = false;
            while (now >= nextTickNanos) {
                replica.tick();
                nextTickNanos += tickNanos;
                ticked = true;
            }
            if (ticked) leaseReads.publish(); // a lease only expires with time: checked per read
            for (Input input : drained) handle(input);
            drained.clear();
            routeWaiting();
            if (replica.hasReady()) processReady();
            leaseReads.retryWaiting(clock.monotonicNanos(), this::readThroughLog);
            transport.flush(); // forwarded commands leave now, not with the next heartbeat
            pending.expire(now, unknown, clusterDown);
            // Once per tick, not per turn: under load a turn runs thousands of times a second,
            // and INFO, /health and the gauges are fine with a status one tick old.
            if (ticked) publishStatus();
        }
        Reply shuttingDown = Reply.error("TRYAGAIN the node is shutting down; retry on another node");
        pending.failAll(shuttingDown);
        leaseReads.failWaiting(shuttingDown);
    }

    private void handle(Input input) {
        if (input instanceof Read read) {
            leaseReads.onRead(read.commands(), read.callback(), clock.monotonicNanos(),
                    this::readThroughLog);
        } else if (input instanceof Proposal proposal) {
            Command command = proposal.command();
            Command stamped = command.fromOrigin(incarnationId, ++sequence);
            long now = clock.monotonicNanos();
            pending.add(sequence, new PendingReplies.Pending(proposal.callback(), now,
                    now + requestTimeoutNanos));
            route(stamped);
        } else {
            onInbound(((Inbound) input).frame());
        }
    }

    /** Proposes at the leader, forwards from a follower, or waits until a leader is known. */
    private void route(Command command) {
        byte[] encoded = CommandCodec.encode(List.of(command));
        if (replica.role() == Role.LEADER) {
            ProposeResult result = replica.propose(encoded);
            switch (result) {
                case QUEUED -> markSent(command);
                case BUSY -> pending.complete(command.originSequence(), Reply.error(
                        "BUSY the leader's proposal queue is full; retry with backoff"));
                case TOO_LARGE -> pending.complete(command.originSequence(), Reply.error(
                        "LIMIT command of " + encoded.length + " bytes exceeds the batch size max "
                                + Limits.BATCH_SIZE_BYTES_MAX + " bytes"));
                case NOT_LEADER -> waitingForLeader.add(command);
            }
            return;
        }
        int leader = replica.leaderIndex();
        if (leader >= 0 && leader != selfIndex && transport.send(nodeIdByIndex[leader], FRAME_FORWARD, encoded)) {
            markSent(command);
        } else {
            waitingForLeader.add(command);
        }
    }

    private void markSent(Command command) {
        if (command.originId() != incarnationId) return; // forwarded from another node
        PendingReplies.Pending entry = pending.get(command.originSequence());
        if (entry != null) entry.sent = true;
    }

    private void routeWaiting() {
        if (waitingForLeader.isEmpty()) return;
        // Drop what already timed out (answered -CLUSTERDOWN): the list stays bounded by the
        // arrival rate times the request timeout, even through a long outage.
        waitingForLeader.removeIf(command -> pending.get(command.originSequence()) == null);
        int leader = replica.leaderIndex();
        if (leader < 0 && replica.role() != Role.LEADER) return;
        List<Command> retry = new ArrayList<>(waitingForLeader);
        waitingForLeader.clear();
        for (Command command : retry) route(command);
    }

    private void onInbound(Frame frame) {
        if (frame.type() == FRAME_FORWARD) {
            int leader = replica.leaderIndex();
            if (replica.role() == Role.LEADER) {
                replica.propose(frame.body()); // if refused, the origin times out with -UNKNOWN
            } else if (leader >= 0 && leader != selfIndex && nodeIdByIndex[leader] != frame.fromNodeId()) {
                // Leadership moved while the command travelled; nothing here proposed it, so
                // passing it on cannot apply it twice.
                transport.send(nodeIdByIndex[leader], FRAME_FORWARD, frame.body());
            }
            return;
        }
        MessageType type = MessageCodec.messageType(frame.type());
        Message message = type == null ? null : MessageCodec.decode(type, frame.body());
        if (message == null || message.to() != selfIndex || message.from() >= nodeIdByIndex.length
                || nodeIdByIndex[message.from()] != frame.fromNodeId()) {
            LOG.warn("node={} dropped a malformed or misaddressed frame type={} from={}",
                    nodeIdByIndex[selfIndex], frame.type(), frame.fromNodeId());
            return;
        }
        replica.step(message);
    }

    /** Persist, then send, then apply, then advance (the Ready contract). */
    private void processReady() {
        Ready ready = replica.ready();
        long start = clock.monotonicNanos();
        // Before anything of this Ready leaves: an Accepted or a lease acknowledgement may let
        // a write complete, and local reads must already see its keys as pending (LeaseReads).
        leaseReads.onAccepted(ready.entriesToPersist());
        leaseReads.publish();
        // The leader's Accepts leave before its own fsync, so the followers' disks work in
        // parallel with the leader's (Raft thesis 10.2.1). Safe: this thread finishes the fsync
        // before it handles any reply, so the leader never counts its own accept before it is
        // durable. Promises, Accepted and the rest still leave only after the fsync.
        sendMessages(ready, true);
        store.persist(ready, replica.membersMask());
        long persisted = clock.monotonicNanos();
        sendMessages(ready, false);
        if (ready.snapshotToInstall() != null) installSnapshot(ready.snapshotToInstall());
        int applied = 0;
        int appliedBytes = 0;
        for (Entry entry : ready.entriesToApply()) {
            applied += apply(entry);
            appliedBytes += (int) Math.min(Integer.MAX_VALUE, entry.value().sizeBytes());
        }
        for (int peer : ready.snapshotsToSend()) sendSnapshot(peer);
        replica.advance(ready);
        leaseReads.onApplied(replica.appliedBelow());
        leaseReads.publish();
        maybeCompact();
        if (ready.mustPersist() || applied > 0) {
            metrics.onBatch(applied, appliedBytes, persisted - start, clock.monotonicNanos() - persisted);
        }
    }

    /**
     * The state store holds the state at its applied slot durably, so it is the snapshot:
     * the log below (applied - interval / 2) can go. Keeping the recent half lets a briefly
     * lagging peer catch up from the log instead of a full snapshot.
     */
    private void maybeCompact() {
        long applied = replica.appliedBelow();
        if (applied - replica.snapshotBelow() < snapshotIntervalSlots) return;
        replica.compact(applied - snapshotIntervalSlots / 2);
        LOG.info("node={} compacted the log below slot {}", nodeIdByIndex[selfIndex], replica.snapshotBelow());
    }

    private void sendSnapshot(int peer) {
        byte[] data = state.export(strongKeyspaceIndexes, Limits.SNAPSHOT_SIZE_BYTES_MAX);
        if (data == null) {
            LOG.error("node={} cannot send a snapshot to node {}: the state exceeds {} bytes; copy a"
                    + " healthy node's data directory to it instead", nodeIdByIndex[selfIndex],
                    nodeIdByIndex[peer], Limits.SNAPSHOT_SIZE_BYTES_MAX);
            return;
        }
        long slotBelow = state.appliedSlot();
        replica.sendSnapshot(peer, new Snapshot(slotBelow, replica.membersMask(), data));
        snapshotsSentCount++;
        LOG.info("node={} sending a snapshot of {} bytes at slot {} to node {}", nodeIdByIndex[selfIndex],
                data.length, slotBelow, nodeIdByIndex[peer]);
    }

    private void installSnapshot(Snapshot snapshot) {
        state.replaceAll(strongKeyspaceIndexes, snapshot.slotBelow(), snapshot.data());
        LOG.info("node={} installed a snapshot of {} bytes at slot {}", nodeIdByIndex[selfIndex],
                snapshot.data().length, snapshot.slotBelow());
    }

    /**
     * Sends the Ready's messages that may leave before the fsync ({@code early}; which types:
     * MessageType#mayLeaveBeforeFsync) or the rest. An Accepted also leaves early when none of
     * its slots is in this Ready's writes: its acceptance is durable since an earlier turn (an
     * acceptance re-sent because fewer lease holders remain to wait for), so making it wait for
     * this turn's fsync only adds latency.
     */
    private void sendMessages(Ready ready, boolean early) {
        boolean any = false;
        long persistFirst = Long.MAX_VALUE;
        long persistLast = Long.MIN_VALUE;
        for (Entry entry : ready.entriesToPersist()) {
            persistFirst = Math.min(persistFirst, entry.slot());
            persistLast = Math.max(persistLast, entry.slot());
        }
        for (Message message : ready.messagesToSend()) {
            boolean mayLeaveEarly = message.type().mayLeaveBeforeFsync()
                    || (message instanceof Message.Accepted accepted
                            && (accepted.slotEnd() <= persistFirst || accepted.slotFirst() > persistLast));
            if (mayLeaveEarly != early) continue;
            transport.send(nodeIdByIndex[message.to()], MessageCodec.frameType(message.type()),
                    MessageCodec.encode(message));
            any = true;
        }
        if (any) transport.flush();
    }

    /** Applies one chosen slot and answers the commands that originated here. */
    private int apply(Entry entry) {
        long position = entry.slot() + 1; // the state store keeps "applied below"
        if (entry.value().kind() != ValueKind.COMMANDS) {
            state.write(position, new StateWrites(List.of()));
            return 0;
        }
        List<Command> commands = new ArrayList<>(entry.value().commands().length);
        for (byte[] encoded : entry.value().commands()) commands.addAll(CommandCodec.decode(encoded));
        KvStateMachine.Applied result = stateMachine.apply(position, commands, state.live());
        state.write(position, result.writes());
        long now = clock.monotonicNanos();
        for (int i = 0; i < commands.size(); i++) {
            Command command = commands.get(i);
            if (command.originId() != incarnationId) continue;
            PendingReplies.Pending answered = pending.complete(command.originSequence(), result.replies().get(i));
            if (answered != null) metrics.onCommitted(now - answered.createdNanos);
        }
        return commands.size();
    }

    private void publishStatus() {
        int leader = replica.role() == Role.LEADER ? selfIndex : replica.leaderIndex();
        if (leader != lastLeaderIndex) {
            if (leader >= 0) leaderChangesCount++;
            lastLeaderIndex = leader;
        }
        status = new ClusterStatus(replica.role().name().toLowerCase(java.util.Locale.ROOT),
                leader >= 0 ? nodeIdByIndex[leader] : 0, Ballots.toString(replica.ballot()),
                replica.chosenBelow(), replica.appliedBelow(), Integer.bitCount(replica.membersMask()),
                peerLag(), leaderChangesCount, replica.stats().campaignsCount,
                Math.max(0, replica.slotEnd() - replica.chosenBelow()), snapshotsSentCount,
                replica.stats().snapshotsInstalledCount, leaseStatus());
    }

    private LeaseStatus leaseStatus() {
        long tickMillis = TimeUnit.NANOSECONDS.toMillis(tickNanos);
        long validTicks = Math.max(0, replica.leaseValidUntil() - replica.ticksCount());
        java.util.List<Integer> holders = new java.util.ArrayList<>();
        for (int i = 0; i < nodeIdByIndex.length; i++) {
            if ((replica.leaseHoldersMask() & (1 << i)) != 0) holders.add(nodeIdByIndex[i]);
        }
        return new LeaseStatus(leasesEnabled, replica.leaseEra(), holders,
                Math.min(validTicks, Long.MAX_VALUE / 1_000_000) * tickMillis,
                replica.leaseGrantsHeldCount(), replica.leaseGrantsGivenCount(),
                leaseReads.servedAtOnce.sum(), leaseReads.servedAfterWait.sum(),
                leaseReads.servedByReadIndex.sum(), leaseReads.sentThroughLeader.sum(), replica.stats().slotsDelayedByLeaseCount,
                replica.stats().slotsDelayedByLeaseTicksTotal * tickMillis);
    }

    private String peerLag() {
        if (replica.role() != Role.LEADER) return "";
        StringBuilder out = new StringBuilder();
        for (int index = 0; index < nodeIdByIndex.length; index++) {
            if (index == selfIndex) continue;
            if (out.length() > 0) out.append(',');
            out.append(nodeIdByIndex[index]).append(':')
                    .append(Math.max(0, replica.chosenBelow() - replica.peerChosenBelow(index)));
        }
        return out.toString();
    }

    @Override
    public void close() {
        running = false;
        LoopInbox.join(thread);
        localReads.close();
    }
}
