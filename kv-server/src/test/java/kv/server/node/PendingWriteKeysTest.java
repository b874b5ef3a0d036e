package kv.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kv.server.command.Command;
import kv.server.command.CommandCodec;
import kv.server.command.CommandType;
import kv.server.consensus.Entry;
import kv.server.consensus.Value;
import org.junit.jupiter.api.Test;

/** A lease holder must not read a key with an accepted-but-unapplied write; other keys go on. */
class PendingWriteKeysTest {

    private static Command command(CommandType type, int keyspace, String... args) {
        byte[][] bytes = new byte[args.length + 1][];
        bytes[0] = type.wireName.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < args.length; i++) bytes[i + 1] = args[i].getBytes(StandardCharsets.UTF_8);
        return Command.of(type, keyspace, bytes);
    }

    private static Entry slot(long slot, Command... commands) {
        return new Entry(slot, 1, Value.commands(new byte[][] {CommandCodec.encode(List.of(commands))}));
    }

    @Test
    void aPendingWriteBlocksReadsOfItsKeysOnlyUntilApplied() {
        PendingWriteKeys pending = new PendingWriteKeys(PendingWriteKeys.COMMANDS);
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isTrue();
        pending.onAccepted(slot(5, command(CommandType.SET, 0, "a", "1"),
                command(CommandType.MSET, 0, "b", "2", "c", "3")));
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isFalse();
        assertThat(pending.mayRead(command(CommandType.GET, 0, "c"))).isFalse();
        assertThat(pending.mayRead(command(CommandType.MGET, 0, "x", "b"))).isFalse();
        assertThat(pending.mayRead(command(CommandType.GET, 0, "2"))).as("a value, not a key").isTrue();
        assertThat(pending.mayRead(command(CommandType.GET, 1, "a"))).as("another keyspace").isTrue();
        assertThat(pending.mayRead(command(CommandType.DBSIZE, 0))).as("keyless read").isFalse();
        pending.appliedBelow(5);
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isFalse();
        pending.appliedBelow(6);
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isTrue();
        assertThat(pending.mayRead(command(CommandType.DBSIZE, 0))).isTrue();
        assertThat(pending.slotsPendingCount()).isZero();
    }

    @Test
    void keylessWritesBlockEveryReadAndReadsThroughTheLogBlockNone() {
        PendingWriteKeys pending = new PendingWriteKeys(PendingWriteKeys.COMMANDS);
        pending.onAccepted(slot(1, command(CommandType.GET, 0, "a")));
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isTrue();
        pending.onAccepted(slot(2, command(CommandType.FLUSHDB, 0)));
        assertThat(pending.mayRead(command(CommandType.GET, 0, "zzz"))).isFalse();
        pending.appliedBelow(3);
        assertThat(pending.mayRead(command(CommandType.GET, 0, "zzz"))).isTrue();
    }

    @Test
    void aSlotAcceptedTwiceIsForgottenOnceApplied() {
        PendingWriteKeys pending = new PendingWriteKeys(PendingWriteKeys.COMMANDS);
        pending.onAccepted(slot(7, command(CommandType.SET, 0, "a", "1")));
        pending.onAccepted(slot(7, command(CommandType.SET, 0, "b", "1"))); // a later ballot
        pending.onAccepted(slot(8, command(CommandType.SET, 0, "c", "1")));
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isFalse();
        assertThat(pending.mayRead(command(CommandType.GET, 0, "b"))).isFalse();
        pending.appliedBelow(8);
        assertThat(pending.mayRead(command(CommandType.GET, 0, "a"))).isTrue();
        assertThat(pending.mayRead(command(CommandType.GET, 0, "b"))).isTrue();
        assertThat(pending.mayRead(command(CommandType.GET, 0, "c"))).isFalse();
        assertThat(pending.slotsPendingCount()).isEqualTo(1);
    }

    @Test
    void noOpsAndMembershipChangesTouchNoKey() {
        PendingWriteKeys pending = new PendingWriteKeys(PendingWriteKeys.COMMANDS);
        pending.onAccepted(new Entry(1, 1, Value.NOOP));
        pending.onAccepted(new Entry(2, 1, Value.config(0b111)));
        assertThat(pending.mayRead(command(CommandType.DBSIZE, 0))).isTrue();
    }
}
