package kv.server.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.statemachine.KvStateMachine;
import kv.server.statemachine.WouldBlock;
import kv.server.storage.StateStore;

/**
 * Serves reads from this node's applied state on a small pool of reader threads (RocksDB reads
 * never run on a Netty event loop). A batch of reads shares one RocksDB snapshot, so MGET and
 * friends see one consistent state. Linearizable on a single node: a write is acknowledged only
 * after it is applied, so every later read sees it.
 */
public final class LocalReadPath implements ReadPath {
    private static final Reply BUSY = Reply.error(
            "BUSY the node's read queue is full; retry with backoff");

    private final StateStore stateStore;
    private final KvStateMachine stateMachine;
    private final ThreadPoolExecutor readers;

    public LocalReadPath(StateStore stateStore, KvStateMachine stateMachine, int threads, int nodeId) {
        this.stateStore = stateStore;
        this.stateMachine = stateMachine;
        int[] counter = {0};
        this.readers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Limits.INBOUND_QUEUE_COUNT_MAX),
                runnable -> {
                    Thread thread = new Thread(runnable, "node-" + nodeId + "-reader-" + counter[0]++);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void read(List<Command> commands, Callback callback) {
        try {
            readers.execute(() -> callback.onReplies(serve(commands)));
        } catch (RejectedExecutionException e) {
            List<Reply> busy = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) busy.add(BUSY);
            callback.onReplies(busy);
        }
    }

    @Override
    public Reply tryReadNow(Command command) {
        if (!command.isSinglePointRead()) return null;
        try {
            return stateMachine.read(command, stateStore.cachedOnly());
        } catch (WouldBlock needsDisk) {
            return null;
        }
    }

    private List<Reply> serve(List<Command> commands) {
        List<Reply> replies = new ArrayList<>(commands.size());
        if (commands.size() == 1 && commands.get(0).type() == CommandType.GET) {
            // A single point read is atomic on its own: skip the snapshot (the hot path).
            replies.add(stateMachine.read(commands.get(0), stateStore.live()));
            return replies;
        }
        try (StateStore.Snapshot snapshot = stateStore.snapshot()) {
            for (Command command : commands) replies.add(stateMachine.read(command, snapshot));
        }
        return replies;
    }

    @Override
    public void close() {
        readers.shutdown();
        try {
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
