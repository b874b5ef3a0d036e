package kv.server.eventual;

import static kv.server.eventual.TestCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateOverlay;
import org.junit.jupiter.api.Test;

/**
 * A key's records travel as one blob: installing it on another replica rebuilds exactly the
 * records (derived ones included) the command code wrote; malformed blobs are named, not
 * installed.
 */
class KeyRecordsTest {
    private static final int KEYSPACE = 2;

    private static MemoryState stateAfter(String[]... commands) {
        MemoryState state = new MemoryState();
        for (String[] words : commands) {
            StateOverlay overlay = new StateOverlay(state);
            KeyRecords.execute(TestNode.command(KEYSPACE, words), overlay, overlay, 77);
            state.write(overlay.writes());
        }
        return state;
    }

    private static List<String> records(MemoryState state) {
        List<String> out = new ArrayList<>();
        try (StateCursor cursor = state.scan(new byte[0], null)) {
            for (; cursor.valid(); cursor.next()) {
                out.add(Arrays.toString(cursor.key()) + "=" + Arrays.toString(cursor.value()));
            }
        }
        return out;
    }

    private static List<String> withoutLastDelete(List<String> records) {
        byte[] counter = ("\u0002\u0000lastDelete")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        records.removeIf(line -> line.startsWith(Arrays.toString(counter) + "="));
        return records;
    }

    @Test
    void installRebuildsTheSameRecords() {
        MemoryState source = stateAfter(new String[] {"SET", "s", "text"},
                new String[] {"HSET", "h", "b", "2", "a", "1"},
                new String[] {"ZADD", "z", "3", "x", "-1.5", "y"});
        MemoryState target = stateAfter(new String[] {"SET", "h", "other type"});
        StateOverlay overlay = new StateOverlay(target);
        for (String key : List.of("s", "h", "z")) {
            byte[] blob = KeyRecords.encode(source, KEYSPACE, bytes(key));
            assertThat(KeyRecords.problem(blob)).isNull();
            assertThat(KeyRecords.versionOf(blob)).isEqualTo(77);
            KeyRecords.install(overlay, KEYSPACE, bytes(key), blob);
        }
        target.write(overlay.writes());
        // Equal except the per-node "last delete" position (replacing "h" deleted a string).
        assertThat(withoutLastDelete(records(target)))
                .isEqualTo(withoutLastDelete(records(source)));
    }

    @Test
    void installNullDeletesEveryRecordOfTheKey() {
        MemoryState state = stateAfter(new String[] {"ZADD", "z", "1", "a", "2", "b"});
        StateOverlay overlay = new StateOverlay(state);
        KeyRecords.install(overlay, KEYSPACE, bytes("z"), null);
        state.write(overlay.writes());
        assertThat(KeyRecords.encode(state, KEYSPACE, bytes("z"))).isNull();
        assertThat(records(state)).allMatch(line -> line.startsWith("[" + KEYSPACE + ", 0,"));
    }

    @Test
    void malformedBlobsAreNamed() {
        byte[] hash = KeyRecords.encode(stateAfter(new String[] {"HSET", "h", "a", "1", "b", "2"}),
                KEYSPACE, bytes("h"));
        assertThat(KeyRecords.problem(Arrays.copyOf(hash, hash.length - 1))).isNotNull();
        assertThat(KeyRecords.problem(Arrays.copyOf(hash, hash.length + 1)))
                .isEqualTo("trailing bytes");
        byte[] badType = hash.clone();
        badType[5] = 'q';
        assertThat(KeyRecords.problem(badType)).isEqualTo("unknown type 113");
        byte[] badCount = hash.clone();
        badCount[5 + 9 + 7] = 3; // meta count says 3, two elements follow
        assertThat(KeyRecords.problem(badCount)).isEqualTo("element count mismatch");
        byte[] zset = KeyRecords.encode(stateAfter(new String[] {"ZADD", "z", "1", "a"}),
                KEYSPACE, bytes("z"));
        byte[] nan = zset.clone();
        long nanBits = Double.doubleToRawLongBits(Double.NaN);
        for (int i = 0; i < 8; i++) nan[nan.length - 8 + i] = (byte) (nanBits >>> (56 - 8 * i));
        assertThat(KeyRecords.problem(nan)).isEqualTo("bad score");
    }

    @Test
    void restampChangesOnlyTheVersion() {
        byte[] blob = KeyRecords.encode(stateAfter(new String[] {"SET", "s", "v"}), KEYSPACE,
                bytes("s"));
        byte[] restamped = KeyRecords.restamp(blob, 99);
        assertThat(KeyRecords.versionOf(restamped)).isEqualTo(99);
        assertThat(KeyRecords.versionOf(blob)).isEqualTo(77);
        assertThat(KeyRecords.problem(restamped)).isNull();
    }

    @Test
    void aPlainSetBlobIsWhatTheCommandCodeWrites() {
        // EventualReplica builds SET key value's blob directly; it must equal the general path's.
        for (String[] before : new String[][] {{"SET", "k", "old"}, {"HSET", "k", "f", "v"},
                {"ZADD", "k", "1", "m"}}) {
            MemoryState state = stateAfter(before, new String[] {"SET", "k", "new value"});
            byte[] viaCommands = KeyRecords.encode(state, KEYSPACE, bytes("k"));
            assertThat(KeyRecords.stringBlob(bytes("new value"), 77)).isEqualTo(viaCommands);
        }
        assertThat(KeyRecords.stringBlob(new byte[0], 77)).isEqualTo(KeyRecords.encode(
                stateAfter(new String[] {"SET", "k", ""}), KEYSPACE, bytes("k")));
    }
}
