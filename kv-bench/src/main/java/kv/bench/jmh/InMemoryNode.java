package kv.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kv.server.command.Command;
import kv.server.command.Keyspaces;
import kv.server.command.Reply;
import kv.server.log.ReadPath;
import kv.server.log.ReplicatedLog;
import kv.server.resp.ClientRegistry;
import kv.server.resp.InfoSource;
import kv.server.resp.RespContext;
import kv.server.resp.RespMetrics;
import kv.server.statemachine.KvStateMachine;
import kv.server.statemachine.MemoryState;

/**
 * The real RESP pipeline and state machine over an in-memory state and a log that commits at
 * once: what is left is decode, dispatch, apply and encode, without I/O.
 */
final class InMemoryNode {
    final MemoryState state = new MemoryState();
    final KvStateMachine machine = new KvStateMachine();
    private long slot;

    final ReplicatedLog log = new ReplicatedLog() {
        @Override
        public void propose(Command command, Callback callback) {
            KvStateMachine.Applied applied = machine.apply(++slot, List.of(command), state);
            state.write(applied.writes());
            callback.onReply(applied.replies().get(0));
        }

        @Override
        public long appliedSlot() {
            return slot;
        }

        @Override
        public void close() {}
    };

    final ReadPath reads = new ReadPath() {
        @Override
        public void read(List<Command> commands, Callback callback) {
            List<Reply> replies = new ArrayList<>(commands.size());
            for (Command command : commands) replies.add(machine.read(command, state));
            callback.onReplies(replies);
        }

        @Override
        public void close() {}
    };

    RespContext context() {
        InfoSource info = new InfoSource() {
            @Override
            public String section(String name) {
                return "";
            }

            @Override
            public List<String> defaultSections() {
                return List.of();
            }
        };
        return new RespContext(new Keyspaces(List.of(
                new Keyspaces.Keyspace("default", 0, Keyspaces.Mode.STRONG))), log, reads,
                RespMetrics.NONE, info, new TreeMap<>(), 1000, new ClientRegistry());
    }
}
