package kv.server.statemachine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kv.server.command.Command;
import kv.server.command.CommandFlag;
import kv.server.command.CommandType;
import kv.server.command.Reply;

/** Runs commands against a {@link KvStateMachine} over {@link MemoryState}, one slot per write. */
final class StateMachineHarness {
    final MemoryState state = new MemoryState();
    final KvStateMachine machine = new KvStateMachine();
    long slot;
    int keyspace;

    Reply run(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        return run(args);
    }

    Reply run(byte[]... args) {
        CommandType type = CommandType.lookup(args[0]);
        Reply invalid = kv.server.command.CommandCheck.check(type, args);
        if (invalid != null) return invalid;
        Command command = Command.of(type, keyspace, args);
        if (type.flag == CommandFlag.READ) return machine.read(command, state);
        return apply(List.of(command)).get(0);
    }

    List<Reply> apply(List<Command> commands) {
        KvStateMachine.Applied applied = machine.apply(++slot, commands, state);
        state.write(applied.writes());
        return applied.replies();
    }

    static String text(Reply reply) {
        if (reply instanceof Reply.Bulk bulk) {
            return bulk.value() == null ? null : new String(bulk.value(), StandardCharsets.UTF_8);
        }
        if (reply instanceof Reply.Simple simple) return simple.text();
        if (reply instanceof Reply.Error error) return "-" + error.text();
        if (reply instanceof Reply.Integer integer) return Long.toString(integer.value());
        Reply.Array array = (Reply.Array) reply;
        if (array.elements() == null) return "(nil array)";
        StringBuilder out = new StringBuilder("[");
        for (Reply element : array.elements()) {
            if (out.length() > 1) out.append(", ");
            out.append(text(element));
        }
        return out.append(']').toString();
    }

    String text(String... words) {
        return text(run(words));
    }
}
