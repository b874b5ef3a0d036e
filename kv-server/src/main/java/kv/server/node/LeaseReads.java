package kv.server.node;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.consensus.Entry;
import kv.server.consensus.Replica;
import kv.server.lease.ReadCheck;
import kv.server.log.ReadPath;

/**
 * Strong reads served from this replica's applied state under a quorum lease (Moraru et al.,
 * SoCC 2014), else through the leader. Two ways in:
 *
 * <ul>
 *   <li><b>The gate</b>, any thread: the node loop publishes "local reads are allowed until
 *       monotonic time T" whenever the lease is valid and this replica has applied every slot
 *       its grantors reported; a read whose keys have no accepted-but-unapplied write here
 *       ({@link PendingWriteKeys}) is served at once, on the event loop when its data is cached.
 *       The loop closes the gate before any message that could let a write complete without
 *       this replica leaves, so a reader that saw it open was invoked before such a write
 *       finished: reading the older value is linearizable.</li>
 *   <li><b>The node loop</b>, for reads the gate refused: served once the replica catches up,
 *       or after {@link Limits#LEASE_READ_WAIT_TICKS_MAX} ticks through the log at the leader.
 *       Without a lease the read asks the leader for a read index (Replica#requestReadIndex:
 *       the leader confirms with a majority that it still leads and answers with its chosen
 *       prefix) and is served here once this replica applied that far; after
 *       {@link Limits#READ_INDEX_WAIT_TICKS_MAX} ticks without that, through the log.</li>
 * </ul>
 *
 * <p>Time: the lease expiry is a tick count; tick {@code k} runs no earlier than
 * {@code loopStart + k * tick} (the loop catches up missed ticks one by one, before it handles
 * any message), so converting expiries with that formula never stretches a lease past the
 * grantor's view, even after a stall of the loop. A wall-clock jump changes nothing: only the
 * monotonic clock is read.
 */
final class LeaseReads {
    private static final long CLOSED = Long.MIN_VALUE;

    /** Reads the gate refused; node loop only. */
    private static final class Waiting {
        final List<Command> commands;
        final ReadPath.Callback callback;
        long giveUpNanos;
        /** The read-index request asked for it (-1: none), and the index once answered. */
        long readIndexRequest = -1;
        long readIndex = -1;

        Waiting(List<Command> commands, ReadPath.Callback callback, long giveUpNanos) {
            this.commands = commands;
            this.callback = callback;
            this.giveUpNanos = giveUpNanos;
        }
    }

    /** Sends reads through the log at the leader; node loop only. */
    interface ThroughLog {
        void read(List<Command> commands, ReadPath.Callback callback);
    }

    private final Replica replica;
    private final ReadPath local;
    private final long tickNanos;
    private final PendingWriteKeys pendingKeys = new PendingWriteKeys(PendingWriteKeys.COMMANDS);
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Waiting reads by read-index request id; node loop only. */
    private final java.util.HashMap<Long, Waiting> byReadIndexRequest = new java.util.HashMap<>();
    private long nextReadIndexRequest = 1;
    /** Local reads are allowed while monotonic time is below this; Long.MIN_VALUE: closed. */
    private volatile long openUntilNanos = CLOSED;
    private long loopStartNanos;

    final LongAdder servedAtOnce = new LongAdder();
    final LongAdder servedAfterWait = new LongAdder();
    final LongAdder sentThroughLeader = new LongAdder();
    final LongAdder servedByReadIndex = new LongAdder();

    LeaseReads(Replica replica, ReadPath local, long tickNanos) {
        this.replica = replica;
        this.local = local;
        this.tickNanos = tickNanos;
    }

    // ---------------------------------------------------------------- any thread

    /** A point read answered now from cached state under the lease, or null. */
    Reply tryReadNow(Command command, long nowNanos) {
        if (nowNanos >= openUntilNanos || !pendingKeys.mayRead(command)) return null;
        Reply reply = local.tryReadNow(command);
        if (reply != null) servedAtOnce.increment();
        return reply;
    }

    /** Serves {@code commands} locally if the gate allows all of them; false: use the loop. */
    boolean tryRead(List<Command> commands, ReadPath.Callback callback, long nowNanos) {
        if (nowNanos >= openUntilNanos || !mayReadAll(commands)) return false;
        servedAtOnce.increment();
        local.read(commands, callback);
        return true;
    }

    /** Whether the gate is open now (for INFO and tests). */
    boolean open(long nowNanos) {
        return nowNanos < openUntilNanos;
    }

    // ---------------------------------------------------------------- node loop

    void start(long loopStartNanos) {
        this.loopStartNanos = loopStartNanos;
    }

    /** Records the keys of slots accepted here; before any message of this Ready leaves. */
    void onAccepted(List<Entry> persisted) {
        for (Entry entry : persisted) pendingKeys.onAccepted(entry);
    }

    /** Forgets the keys of applied slots. */
    void onApplied(long appliedBelow) {
        pendingKeys.appliedBelow(appliedBelow);
    }

    /** Opens or closes the gate from the replica's lease state. */
    void publish() {
        openUntilNanos = allowedUntilNanos();
    }

    /**
     * A read the gate refused: serve now, wait for the replica to catch up, ask for a read index
     * (no lease), or go through the log.
     */
    void onRead(List<Command> commands, ReadPath.Callback callback, long nowNanos,
                ThroughLog throughLog) {
        ReadCheck check = check(commands, nowNanos);
        if (check == ReadCheck.LOCAL_OK) {
            servedAfterWait.increment();
            local.read(commands, callback);
        } else if (waiting.size() >= Limits.LEASE_READS_WAITING_COUNT_MAX) {
            sentThroughLeader.increment();
            throughLog.read(commands, callback);
        } else {
            Waiting read = new Waiting(commands, callback,
                    nowNanos + Limits.LEASE_READ_WAIT_TICKS_MAX * tickNanos);
            if (check == ReadCheck.FORWARD && !askReadIndex(read, nowNanos)) {
                sentThroughLeader.increment();
                throughLog.read(commands, callback);
                return;
            }
            waiting.addLast(read);
        }
    }

    /** Asks the leader for a read index for {@code read}; false if no leader is known. */
    private boolean askReadIndex(Waiting read, long nowNanos) {
        long request = nextReadIndexRequest++;
        if (!replica.requestReadIndex(request)) return false;
        read.readIndexRequest = request;
        read.giveUpNanos = nowNanos + Limits.READ_INDEX_WAIT_TICKS_MAX * tickNanos;
        byReadIndexRequest.put(request, read);
        return true;
    }

    /** Retries the waiting reads: after each Ready and tick. */
    void retryWaiting(long nowNanos, ThroughLog throughLog) {
        for (long[] answered : replica.drainReadIndexes()) {
            Waiting read = byReadIndexRequest.remove(answered[0]);
            if (read != null) read.readIndex = answered[1];
        }
        for (int i = waiting.size(); i > 0; i--) {
            Waiting read = waiting.pollFirst();
            if (read.readIndex >= 0 && replica.appliedBelow() >= read.readIndex) {
                // Every write acknowledged before the read came is below the index: applied.
                servedByReadIndex.increment();
                local.read(read.commands, read.callback);
                continue;
            }
            ReadCheck check = check(read.commands, nowNanos);
            if (check == ReadCheck.LOCAL_OK) {
                forget(read);
                servedAfterWait.increment();
                local.read(read.commands, read.callback);
            } else if (nowNanos >= read.giveUpNanos
                    || (check == ReadCheck.FORWARD && read.readIndexRequest < 0
                            && !askReadIndex(read, nowNanos))) {
                forget(read);
                sentThroughLeader.increment();
                throughLog.read(read.commands, read.callback);
            } else {
                waiting.addLast(read);
            }
        }
    }

    private void forget(Waiting read) {
        if (read.readIndexRequest >= 0) byReadIndexRequest.remove(read.readIndexRequest);
    }

    /** At shutdown: the waiting reads get {@code reply}. */
    void failWaiting(Reply reply) {
        for (Waiting read : waiting) {
            read.callback.onReplies(java.util.Collections.nCopies(read.commands.size(), reply));
        }
        waiting.clear();
        byReadIndexRequest.clear();
    }

    int waitingCount() {
        return waiting.size();
    }

    int pendingSlotsCount() {
        return pendingKeys.slotsPendingCount();
    }

    private ReadCheck check(List<Command> commands, long nowNanos) {
        ReadCheck check = replica.leaseReadCheck();
        if (check != ReadCheck.LOCAL_OK) return check;
        if (nowNanos >= tickStartNanos(replica.leaseValidUntil())) return ReadCheck.FORWARD;
        return mayReadAll(commands) ? ReadCheck.LOCAL_OK : ReadCheck.WAIT_WRITE;
    }

    private long allowedUntilNanos() {
        if (replica.leaseReadCheck() != ReadCheck.LOCAL_OK) return CLOSED;
        return tickStartNanos(replica.leaseValidUntil());
    }

    /** The earliest monotonic time at which the loop can run tick {@code tick}; saturating. */
    private long tickStartNanos(long tick) {
        try {
            return Math.addExact(loopStartNanos, Math.multiplyExact(tick, tickNanos));
        } catch (ArithmeticException beyondAnyHorizon) { // a single replica: no expiry
            return Long.MAX_VALUE;
        }
    }

    private boolean mayReadAll(List<Command> commands) {
        for (Command command : commands) {
            if (!pendingKeys.mayRead(command)) return false;
        }
        return true;
    }
}
