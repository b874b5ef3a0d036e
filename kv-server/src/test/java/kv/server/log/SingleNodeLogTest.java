package kv.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import kv.server.command.Command;
import kv.server.command.CommandCodec;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.statemachine.KvStateMachine;
import kv.server.storage.rocksdb.RocksLogStore;
import kv.server.storage.rocksdb.RocksStateStore;
import kv.server.storage.rocksdb.RocksStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-node log: a reply comes only after the slot is durable and applied; a slot that is
 * durable in the log but not yet in the state (a crash between fsync and apply) is re-applied
 * exactly once on restart.
 */
class SingleNodeLogTest {
    @TempDir
    Path dir;

    @Test
    void proposeAppliesInOrderAndRecoversAfterCrashBetweenAppendAndApply() throws Exception {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            try (SingleNodeLog log = new SingleNodeLog(new RocksLogStore(storage), state,
                    new KvStateMachine(), true, LogMetrics.NONE, 1)) {
                ArrayBlockingQueue<Reply> replies = new ArrayBlockingQueue<>(10);
                log.propose(command("INCR", "n"), replies::add);
                log.propose(command("INCR", "n"), replies::add);
                assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
                assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo(Reply.integer(2));
            }
            // Simulate a crash after the log fsync of slot N but before its state write.
            RocksLogStore logStore = new RocksLogStore(storage);
            long next = Math.max(logStore.lastSlot(), state.appliedSlot()) + 1;
            logStore.append(next, List.of(CommandCodec.encode(List.of(command("INCR", "n")))), true);
        }
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            try (SingleNodeLog log = new SingleNodeLog(new RocksLogStore(storage), state,
                    new KvStateMachine(), true, LogMetrics.NONE, 1)) {
                ArrayBlockingQueue<Reply> replies = new ArrayBlockingQueue<>(10);
                log.propose(command("INCR", "n"), replies::add);
                assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo(Reply.integer(4));
            }
        }
    }

    private static Command command(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        return Command.of(CommandType.lookup(args[0]), 0, args);
    }
}
