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
                    new StateWrites.Op(bytes("a"), bytes("1"), null),
                    new StateWrites.Op(bytes("b"), bytes("2"), null),
                    new StateWrites.Op(bytes("c"), bytes("3"), null),
                    new StateWrites.Op(bytes("b"), null, bytes("c")))));
            // Read back at once (the record cache answers; the range delete must reach it too).
            assertThat(state.live().get(bytes("a"))).isEqualTo(bytes("1"));
            assertThat(state.live().get(bytes("b"))).isNull();
            assertThat(state.cachedOnly().get(bytes("b"))).isNull();
            assertThat(state.live().get(bytes("c"))).isEqualTo(bytes("3"));
            state.write(6, new StateWrites(List.of(new StateWrites.Op(bytes("c"), null, null))));
            assertThat(state.live().get(bytes("c"))).isNull();
            state.write(7, new StateWrites(List.of(new StateWrites.Op(bytes("c"), bytes("4"), null))));
            assertThat(state.cachedOnly().get(bytes("c"))).isEqualTo(bytes("4"));
        }
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksStateStore state = new RocksStateStore(storage);
            assertThat(state.appliedSlot()).isEqualTo(7);
            assertThat(state.live().get(bytes("b"))).isNull();
            try (StateStore.Snapshot snapshot = state.snapshot();
                 StateCursor cursor = snapshot.scan(bytes("a"), bytes("z"))) {
                assertThat(new String(cursor.key(), StandardCharsets.UTF_8)).isEqualTo("a");
                cursor.next();
                assertThat(new String(cursor.key(), StandardCharsets.UTF_8)).isEqualTo("c");
                cursor.next();
                assertThat(cursor.valid()).isFalse();
            }
            // After reopen the data may sit only in table files: a memory-only read must refuse
            // rather than touch the disk, and succeed once a normal read cached the block.
            try {
                assertThat(state.cachedOnly().get(bytes("a"))).isEqualTo(bytes("1"));
            } catch (kv.server.statemachine.WouldBlock needsDisk) {
                assertThat(state.live().get(bytes("a"))).isEqualTo(bytes("1"));
                assertThat(state.cachedOnly().get(bytes("a"))).isEqualTo(bytes("1"));
            }
        }
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
