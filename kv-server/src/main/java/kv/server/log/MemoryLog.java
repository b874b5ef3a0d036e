package kv.server.log;

import java.util.ArrayList;
import java.util.List;
import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.statemachine.KvStateMachine;
import kv.server.statemachine.MemoryState;

/**
 * A log and read path of one node held in memory: a proposal is chosen and applied at once on
 * the caller's thread. For tests and benchmarks of the layers above the log; not durable.
 */
public final class MemoryLog implements ReplicatedLog, ReadPath {
    private final MemoryState state = new MemoryState();
    private final KvStateMachine stateMachine = new KvStateMachine();
    private long appliedSlot;

    @Override
    public void propose(Command command, ReplicatedLog.Callback callback) {
        KvStateMachine.Applied applied = stateMachine.apply(++appliedSlot, List.of(command), state);
        state.write(applied.writes());
        callback.onReply(applied.replies().get(0));
    }

    @Override
    public void read(List<Command> commands, ReadPath.Callback callback) {
        List<Reply> replies = new ArrayList<>(commands.size());
        for (Command command : commands) replies.add(stateMachine.read(command, state));
        callback.onReplies(replies);
    }

    @Override
    public long appliedSlot() {
        return appliedSlot;
    }

    @Override
    public void close() {}
}
