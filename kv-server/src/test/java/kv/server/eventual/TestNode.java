package kv.server.eventual;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kv.server.command.Command;
import kv.server.command.CommandCheck;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateWrites;

/**
 * One eventual replica with in-memory "disks" (the state and metadata columns) and the driver
 * loop of {@link EventualReady}: persist, then hand out messages and replies. A turn is written
 * to what the replica reads at once, but survives a crash only once a synced turn covers it
 * ({@link EventualReady#mustSync()}; the write-ahead log syncs in order). A crash drops the
 * replica, its open turn and every unsynced turn; a wipe also loses the disks.
 */
final class TestNode {
    final int index;
    final EventualConfig config;
    final TestClock clock;
    /** What the replica reads: every written turn. */
    MemoryState state = new MemoryState();
    MemoryState metadata = new MemoryState();
    /** What survives a crash: the synced turns. */
    MemoryState durableState = new MemoryState();
    MemoryState durableMetadata = new MemoryState();
    private final List<EventualReady> unsynced = new ArrayList<>();
    EventualReplica replica;
    /** The last turn's work, for tests of what a turn must do. */
    EventualReady lastReady;
    /** Replies handed out by turns, in order. */
    final List<EventualReady.ReplyToSend> replies = new ArrayList<>();

    TestNode(EventualConfig config, TestClock clock) {
        this.index = config.nodeIndex();
        this.config = config;
        this.clock = clock;
        start();
    }

    void start() {
        replica = new EventualReplica(config, state, metadata, clock);
    }

    void crash() {
        replica = null;
        unsynced.clear();
        state = copyOf(durableState);
        metadata = copyOf(durableMetadata);
    }

    void wipe() {
        state = new MemoryState();
        metadata = new MemoryState();
        durableState = new MemoryState();
        durableMetadata = new MemoryState();
    }

    private static MemoryState copyOf(MemoryState from) {
        List<StateWrites.Op> ops = new ArrayList<>();
        try (StateCursor cursor = from.scan(new byte[0], null)) {
            for (; cursor.valid(); cursor.next()) {
                ops.add(new StateWrites.Op(cursor.key(), cursor.value(), null));
            }
        }
        MemoryState copy = new MemoryState();
        copy.write(new StateWrites(ops));
        return copy;
    }

    boolean isUp() {
        return replica != null;
    }

    /** Persists the open turn and returns its messages; replies go to {@link #replies}. */
    List<EventualReady.OutboundMessage> turn() {
        EventualReady ready = replica.ready();
        lastReady = ready;
        state.write(ready.stateWrites());
        metadata.write(ready.metadataWrites());
        unsynced.add(ready);
        if (ready.mustSync()) {
            for (EventualReady turn : unsynced) {
                durableState.write(turn.stateWrites());
                durableMetadata.write(turn.metadataWrites());
            }
            unsynced.clear();
        }
        replica.advance();
        replies.addAll(ready.repliesToSend());
        return ready.messagesToSend();
    }

    static Command command(int keyspace, String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        CommandType type = CommandType.lookup(args[0]);
        Reply invalid = CommandCheck.check(type, args);
        if (invalid != null) throw new IllegalArgumentException(invalid.toString());
        return Command.of(type, keyspace, args);
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
}
