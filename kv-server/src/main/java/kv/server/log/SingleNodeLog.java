package kv.server.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandCodec;
import kv.server.command.Reply;
import kv.server.statemachine.KvStateMachine;
import kv.server.storage.LogStore;
import kv.server.storage.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log of one: a slot is chosen once its record is durable locally. One thread drains the
 * proposal queue, writes the whole drained batch as one slot with one fsync (group commit), then
 * applies it and answers. The Multi-Paxos log replaces this class behind {@link ReplicatedLog}.
 */
public final class SingleNodeLog implements ReplicatedLog {
    private static final Logger LOG = LoggerFactory.getLogger(SingleNodeLog.class);
    private static final Reply BUSY = Reply.error(
            "BUSY the node's proposal queue is full; retry with backoff");
    private static final Reply SHUTTING_DOWN = Reply.error(
            "TRYAGAIN the node is shutting down and did not apply this write; retry");
    /** Truncate the log every this many slots: the state covers everything applied. */
    private static final long TRUNCATE_INTERVAL_SLOTS = 1024;
    private static final long POLL_TIMEOUT_MILLIS = 100;

    private record Proposal(Command command, Callback callback) {}

    private final ArrayBlockingQueue<Proposal> queue =
            new ArrayBlockingQueue<>(Limits.INBOUND_QUEUE_COUNT_MAX);
    private final LogStore logStore;
    private final StateStore stateStore;
    private final KvStateMachine stateMachine;
    private final boolean fsync;
    private final LogMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastSlot;

    public SingleNodeLog(LogStore logStore, StateStore stateStore, KvStateMachine stateMachine,
                         boolean fsync, LogMetrics metrics, int nodeId) {
        this.logStore = logStore;
        this.stateStore = stateStore;
        this.stateMachine = stateMachine;
        this.fsync = fsync;
        this.metrics = metrics;
        this.lastSlot = replay();
        this.thread = new Thread(this::run, "node-" + nodeId + "-log");
        thread.start();
    }

    /** Re-applies slots that are durable in the log but not yet in the state (after a crash). */
    private long replay() {
        long applied = stateStore.appliedSlot();
        long last = Math.max(applied, logStore.lastSlot());
        for (long slot = applied + 1; slot <= last; slot++) {
            byte[] record = logStore.read(slot);
            if (record == null) {
                throw new kv.server.InvariantViolation("log hole at slot " + slot
                        + " below last slot " + last + ": the data directory is damaged");
            }
            KvStateMachine.Applied result = stateMachine.apply(slot, CommandCodec.decode(record),
                    stateStore.live());
            stateStore.write(slot, result.writes());
        }
        if (last > applied) LOG.info("replayed slots {}..{} from the log", applied + 1, last);
        return last;
    }

    @Override
    public void propose(Command command, Callback callback) {
        if (!running) {
            callback.onReply(SHUTTING_DOWN);
        } else if (!queue.offer(new Proposal(command, callback))) {
            metrics.onRejectedBusy();
            callback.onReply(BUSY);
        }
    }

    @Override
    public long appliedSlot() {
        return stateStore.appliedSlot();
    }

    private void run() {
        List<Proposal> batch = new ArrayList<>(Limits.BATCH_COMMANDS_COUNT_MAX);
        List<Command> commands = new ArrayList<>(Limits.BATCH_COMMANDS_COUNT_MAX);
        while (running) {
            Proposal first;
            try {
                first = queue.poll(POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) continue;
            batch.add(first);
            int sizeBytes = first.command().sizeBytes();
            // Group commit: everything that queued up during the last fsync shares the next one.
            Proposal next;
            while (batch.size() < Limits.BATCH_COMMANDS_COUNT_MAX && (next = queue.peek()) != null
                    && sizeBytes + next.command().sizeBytes() <= Limits.BATCH_SIZE_BYTES_MAX) {
                batch.add(queue.poll());
                sizeBytes += next.command().sizeBytes();
            }
            for (Proposal proposal : batch) commands.add(proposal.command());
            commitAndApply(batch, commands, sizeBytes);
            batch.clear();
            commands.clear();
        }
        failQueued();
    }

    private void commitAndApply(List<Proposal> batch, List<Command> commands, int sizeBytes) {
        long slot = ++lastSlot;
        long start = System.nanoTime();
        logStore.append(slot, List.of(CommandCodec.encode(commands)), fsync);
        long appended = System.nanoTime();
        KvStateMachine.Applied applied = stateMachine.apply(slot, commands, stateStore.live());
        stateStore.write(slot, applied.writes());
        if (slot % TRUNCATE_INTERVAL_SLOTS == 0) logStore.truncateBefore(slot);
        metrics.onBatch(commands.size(), sizeBytes, appended - start, System.nanoTime() - appended);
        for (int i = 0; i < batch.size(); i++) batch.get(i).callback().onReply(applied.replies().get(i));
    }

    private void failQueued() {
        Proposal proposal;
        while ((proposal = queue.poll()) != null) proposal.callback().onReply(SHUTTING_DOWN);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }
}
