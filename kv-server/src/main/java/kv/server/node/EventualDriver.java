package kv.server.node;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kv.server.Clock;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.eventual.EventualConfig;
import kv.server.eventual.EventualReady;
import kv.server.eventual.EventualReplica;
import kv.server.eventual.Level;
import kv.server.log.EventualPath;
import kv.server.log.ReplicatedLog;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.WouldBlock;
import kv.server.storage.rocksdb.RocksEventualStore;
import kv.server.transport.Frame;
import kv.server.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the pure {@link EventualReplica} on a thread of its own, like the consensus node loop:
 * drain inputs (bounded), tick, then persist the turn in one WriteBatch (fsync per the config),
 * then send, then answer. Eventual keyspaces never wait on consensus and keep serving on every
 * side of a partition.
 */
public final class EventualDriver implements EventualPath {
    private static final Logger LOG = LoggerFactory.getLogger(EventualDriver.class);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private sealed interface Input permits Request, Inbound {}

    private record Request(Command command, Level level, ReplicatedLog.Callback callback) implements Input {}

    private record Inbound(Frame frame) implements Input {}

    private final LoopInbox<Input> inbound = new LoopInbox<>();
    private final EventualReplica replica;
    private final RocksEventualStore store;
    private final boolean fsync;
    private final Clock clock;
    private final int[] nodeIdByIndex;
    private final int selfIndex;
    private final TreeMap<Long, ReplicatedLog.Callback> waiting = new TreeMap<>();
    private final Thread thread;
    private PeerTransport transport;
    private long requestId;
    /** A turn was written without a sync since the last sync. */
    private boolean unsyncedWrites;
    /** Replies of the last synced turn, and how long its sync took (see gatherGroup). */
    private int groupExpected;
    private long groupWaitNanos;
    private volatile boolean running = true;
    private volatile EventualStatus status;

    public EventualDriver(EventualConfig config, int[] nodeIdByIndex, RocksEventualStore store,
                          boolean fsync, Clock clock) {
        this.nodeIdByIndex = nodeIdByIndex;
        this.store = store;
        this.fsync = fsync;
        this.clock = clock;
        this.replica = new EventualReplica(config, store.state(), store.metadata(), clock);
        this.thread = new Thread(this::run, "node-" + nodeIdByIndex[config.nodeIndex()] + "-eventual");
        this.selfIndex = config.nodeIndex();
        publishStatus();
    }

    /** Counters, lags and digests as of the last tick (INFO eventual, metrics). */
    public EventualStatus status() {
        return status;
    }

    private void publishStatus() {
        long[] digests = new long[Limits.KEYSPACES_COUNT_MAX];
        for (int keyspace = 0; keyspace < digests.length; keyspace++) {
            digests[keyspace] = replica.keyspaceDigest(keyspace);
        }
        status = new EventualStatus(replica.stats().copy(), digests, nodeIdByIndex.clone(),
                selfIndex);
    }

    /** Starts the loop; {@code transport} is null on a single node. */
    public void start(PeerTransport transport) {
        this.transport = transport;
        thread.start();
    }

    @Override
    public void execute(Command command, Level level, ReplicatedLog.Callback callback) {
        if (!running) {
            callback.onReply(Reply.error("TRYAGAIN the node is shutting down; retry on another node"));
        } else if (!inbound.offer(new Request(command, level, callback))) {
            callback.onReply(Reply.error("BUSY the node's eventual queue is full; retry with backoff"));
        }
    }

    /**
     * A level-ONE point read straight from the store's memory, on the caller's event loop: no
     * hand-off to the driver thread. The driver writes each turn in one atomic batch before it
     * answers, so this sees every acknowledged write and never half a turn.
     */
    @Override
    public Reply tryReadNow(Command command) {
        if (!running || !command.isSinglePointRead()) return null;
        try {
            return KeyRecords.execute(command, store.stateCachedOnly(), null, 0);
        } catch (WouldBlock needsDisk) {
            return null;
        }
    }

    /** A peer frame of the eventual protocol (types 100..127); dropped if the queue is full. */
    public void onFrame(Frame frame) {
        inbound.offer(new Inbound(frame));
    }

    private int indexOf(int nodeId) {
        for (int i = 0; i < nodeIdByIndex.length; i++) {
            if (nodeIdByIndex[i] == nodeId) return i;
        }
        return -1;
    }

    private void run() {
        List<Input> drained = new ArrayList<>(Limits.INBOUND_DRAIN_COUNT_MAX);
        long nextTickNanos = clock.monotonicNanos();
        while (running) {
            try {
                inbound.drainInto(drained, nextTickNanos - clock.monotonicNanos());
                gatherGroup(drained);
            } catch (InterruptedException e) {
                break;
            }
            for (Input input : drained) handle(input);
            drained.clear();
            long now = clock.monotonicNanos();
            boolean ticked = now >= nextTickNanos;
            if (ticked) {
                replica.tick(now);
                nextTickNanos = now + TICK_NANOS;
            }
            processReady();
            if (ticked) publishStatus();
        }
        for (ReplicatedLog.Callback callback : waiting.values()) {
            callback.onReply(Reply.error("TRYAGAIN the node is shutting down; retry on another node"));
        }
        waiting.clear();
    }

    /**
     * Group commit across connections: after a synced turn answered n clients, waits (bounded by
     * {@link Limits#EVENTUAL_GROUP_COMMIT_WAIT_MICROS_MAX} and by that sync's duration) until
     * about n inputs are here. Without it, the clients answered after a sync come back during
     * the next turn's sync and the writers split into two halves, each with its own fsync.
     */
    private void gatherGroup(List<Input> drained) throws InterruptedException {
        int expected = groupExpected;
        groupExpected = 0;
        if (expected <= drained.size()) return;
        long deadline = clock.monotonicNanos() + Math.min(groupWaitNanos,
                TimeUnit.MICROSECONDS.toNanos(Limits.EVENTUAL_GROUP_COMMIT_WAIT_MICROS_MAX));
        while (drained.size() < expected && drained.size() < Limits.INBOUND_DRAIN_COUNT_MAX) {
            long leftNanos = deadline - clock.monotonicNanos();
            if (leftNanos <= 0) return;
            inbound.drainInto(drained, leftNanos);
        }
    }

    private void handle(Input input) {
        if (input instanceof Request request) {
            long id = ++requestId;
            waiting.put(id, request.callback());
            if (request.command().type().isWrite()) replica.write(id, request.command(), request.level());
            else replica.read(id, request.command(), request.level());
        } else {
            Frame frame = ((Inbound) input).frame();
            int from = indexOf(frame.fromNodeId());
            if (from < 0) {
                LOG.warn("dropped an eventual frame from unknown node {}", frame.fromNodeId());
                return;
            }
            replica.onMessage(from, frame.type(), frame.body());
        }
    }

    /** Persist, then send, then answer (a reply never precedes the durable write). */
    private void processReady() {
        EventualReady ready = replica.ready();
        persist(ready);
        if (transport != null) {
            for (EventualReady.OutboundMessage message : ready.messagesToSend()) {
                transport.send(nodeIdByIndex[message.toNodeIndex()], message.frameType(), message.body());
            }
            transport.flush();
        }
        for (EventualReady.ReplyToSend reply : ready.repliesToSend()) {
            ReplicatedLog.Callback callback = waiting.remove(reply.requestId());
            if (callback != null) callback.onReply(reply.reply());
        }
        replica.advance();
    }

    /** Writes the turn; syncs only what it acknowledges as durable (EventualReady#mustSync). */
    private void persist(EventualReady ready) {
        boolean sync = fsync && ready.mustSync();
        long startNanos = clock.monotonicNanos();
        if (ready.mustPersist()) {
            store.write(ready.stateWrites(), ready.metadataWrites(), sync);
            unsyncedWrites = fsync && !sync;
        } else if (sync && unsyncedWrites) {
            store.syncWal();
            unsyncedWrites = false;
        }
        if (sync) {
            groupExpected = ready.repliesToSend().size();
            groupWaitNanos = clock.monotonicNanos() - startNanos;
        }
    }

    @Override
    public void close() {
        running = false;
        LoopInbox.join(thread);
    }
}
