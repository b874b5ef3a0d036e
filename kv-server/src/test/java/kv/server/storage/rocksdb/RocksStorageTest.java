package kv.server.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateWrites;
import kv.server.storage.StateStore;
import kv.server.storage.StorageFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable layer: log records are checksummed (a flipped byte stops the node instead of being
 * applied), and state plus applied slot survive a reopen together.
 */
class RocksStorageTest {
    @TempDir
    Path dir;

    @Test
    void logRecordsRoundTripAndTruncate() {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksLogStore log = new RocksLogStore(storage);
            log.append(1, List.of(bytes("one"), bytes("two"), bytes("three")), true);
            assertThat(log.lastSlot()).isEqualTo(3);
            assertThat(new String(log.read(2), StandardCharsets.UTF_8)).isEqualTo("two");
            log.truncateBefore(3);
            assertThat(log.read(2)).isNull();
            assertThat(log.read(3)).isNotNull();
        }
    }

    @Test
    void corruptLogRecordIsDetectedNotApplied() throws Exception {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksLogStore log = new RocksLogStore(storage);
            log.append(7, List.of(bytes("payload")), true);
            byte[] stored = storage.db().get(storage.family(RocksStorage.CF_LOG), Bytes.ofLong(7));
            stored[stored.length - 1] ^= 1; // a bit flips on disk
            storage.db().put(storage.family(RocksStorage.CF_LOG), Bytes.ofLong(7), stored);
            assertThatThrownBy(() -> log.read(7)).isInstanceOf(StorageFailure.class)
                    .hasMessageContaining("corrupt log record at slot 7");
        }
    }

    @Test
    void stateAndAppliedSlotSurviveReopen() {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            state.write(5, new StateWrites(List.of(
                    new StateWrites.Op(meta("a"), bytes("1"), null),
                    new StateWrites.Op(meta("b"), bytes("2"), null),
                    new StateWrites.Op(meta("c"), bytes("3"), null),
                    new StateWrites.Op(meta("b"), null, meta("c")))));
            // Read back at once (the record cache answers; the range delete must reach it too).
            assertThat(state.live().get(meta("a"))).isEqualTo(bytes("1"));
            assertThat(state.live().get(meta("b"))).isNull();
            assertThat(state.cachedOnly().get(meta("b"))).isNull();
            assertThat(state.live().get(meta("c"))).isEqualTo(bytes("3"));
            state.write(6, new StateWrites(List.of(new StateWrites.Op(meta("c"), null, null))));
            assertThat(state.live().get(meta("c"))).isNull();
            state.write(7, new StateWrites(List.of(
                    new StateWrites.Op(meta("c"), bytes("4"), null))));
            assertThat(state.cachedOnly().get(meta("c"))).isEqualTo(bytes("4"));
        }
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            assertThat(state.appliedSlot()).isEqualTo(7);
            assertThat(state.live().get(meta("b"))).isNull();
            try (StateStore.Snapshot snapshot = state.snapshot();
                 StateCursor cursor = snapshot.scan(meta("a"), meta("z"))) {
                assertThat(cursor.key()).isEqualTo(meta("a"));
                cursor.next();
                assertThat(cursor.key()).isEqualTo(meta("c"));
                cursor.next();
                assertThat(cursor.valid()).isFalse();
            }
            // After reopen the data may sit only in table files: a memory-only read must refuse
            // rather than touch the disk, and succeed once a normal read cached the block.
            try {
                assertThat(state.cachedOnly().get(meta("a"))).isEqualTo(bytes("1"));
            } catch (kv.server.statemachine.WouldBlock needsDisk) {
                assertThat(state.live().get(meta("a"))).isEqualTo(bytes("1"));
                assertThat(state.cachedOnly().get(meta("a"))).isEqualTo(bytes("1"));
            }
        }
    }

    /** A meta record's key in keyspace 0: one the record cache keeps. */
    private static byte[] meta(String key) {
        byte[] out = new byte[2 + key.length()];
        out[1] = 1;
        System.arraycopy(bytes(key), 0, out, 2, key.length());
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void snapshotExportAndInstallTouchOnlyTheGivenKeyspaces() {
        byte[] strongKey = {0, 1, 'a'};
        byte[] eventualKey = {1, 1, 'b'};
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            state.write(3, new StateWrites(List.of(new StateWrites.Op(strongKey, bytes("s"), null),
                    new StateWrites.Op(eventualKey, bytes("e"), null))));
            byte[] exported = state.export(new int[] {0}, 1 << 20);
            state.write(4, new StateWrites(List.of(new StateWrites.Op(strongKey, null, null),
                    new StateWrites.Op(new byte[] {0, 1, 'z'}, bytes("later"), null))));
            state.replaceAll(new int[] {0}, 9, exported);
            assertThat(state.live().get(strongKey)).isEqualTo(bytes("s"));
            // Written (and cached) at slot 4, gone with the install.
            assertThat(state.live().get(new byte[] {0, 1, 'z'})).isNull();
            assertThat(state.cachedOnly().get(new byte[] {0, 1, 'z'})).isNull();
            assertThat(state.live().get(eventualKey)).isEqualTo(bytes("e")); // untouched
            assertThat(state.appliedSlot()).isEqualTo(9);
            assertThat(state.export(new int[] {0}, 4)).isNull(); // over the size bound
        }
    }
}
