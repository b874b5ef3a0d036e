package kv.server.eventual;

import static kv.server.eventual.TestCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import kv.server.command.Keyspaces;
import kv.server.command.Keyspaces.Keyspace;
import kv.server.command.Keyspaces.Mode;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateOverlay;
import org.junit.jupiter.api.Test;

/** A node refuses to start when a keyspace holding data changed its mode in the config. */
class KeyspaceModeCheckTest {
    private static final Keyspaces BOTH = new Keyspaces(List.of(
            new Keyspace("default", 0, Mode.STRONG), new Keyspace("cache", 2, Mode.EVENTUAL)));
    private static final Keyspaces ALL_STRONG = new Keyspaces(List.of(
            new Keyspace("default", 0, Mode.STRONG), new Keyspace("cache", 2, Mode.STRONG)));
    private static final Keyspaces ALL_EVENTUAL = new Keyspaces(List.of(
            new Keyspace("default", 0, Mode.EVENTUAL), new Keyspace("cache", 2, Mode.EVENTUAL)));
    private final MemoryState state = new MemoryState();
    private final MemoryState metadata = new MemoryState();

    @Test
    void dataOfTheConfiguredModesPasses() {
        assertThat(KeyspaceModeCheck.problem(state, metadata, BOTH)).isNull();
        writeStrong(0);
        writeEventual(2);
        assertThat(KeyspaceModeCheck.problem(state, metadata, BOTH)).isNull();
    }

    @Test
    void eventualDataInAKeyspaceNowStrongIsRefused() {
        writeEventual(2);
        assertThat(KeyspaceModeCheck.problem(state, metadata, ALL_STRONG))
                .contains("keyspace 2 holds eventual data").contains("configured strong");
        assertThat(KeyspaceModeCheck.problem(state, metadata,
                new Keyspaces(List.of(new Keyspace("default", 0, Mode.STRONG)))))
                .contains("not configured");
    }

    @Test
    void strongDataInAKeyspaceNowEventualIsRefused() {
        writeStrong(0);
        assertThat(KeyspaceModeCheck.problem(state, metadata, ALL_EVENTUAL))
                .contains("keyspace 0 (default) holds strong data")
                .contains("configured eventual");
    }

    @Test
    void eventualDataOfAnOlderLayoutIsRefusedWhateverTheModes() {
        writeStrong(2); // layout 1 kept eventual values as plain records, with no markers
        StateOverlay overlay = new StateOverlay(metadata);
        overlay.put(EventualLayout.NODE_SEQ, kv.server.statemachine.Bytes.ofLong(5));
        metadata.write(overlay.sortedWrites());
        for (Keyspaces keyspaces : List.of(BOTH, ALL_STRONG, ALL_EVENTUAL)) {
            assertThat(KeyspaceModeCheck.problem(state, metadata, keyspaces))
                    .contains("written in layout 1");
        }
    }

    private void writeStrong(int keyspace) {
        StateOverlay overlay = new StateOverlay(state);
        KeyRecords.install(overlay, keyspace, bytes("k"), KeyRecords.stringBlob(bytes("v"), 7));
        state.write(overlay.sortedWrites());
    }

    private void writeEventual(int keyspace) {
        EventualStore store = new EventualStore(state, metadata);
        Version version = new Version(1000, 1);
        store.put(keyspace, bytes("e"), new Versioned(version,
                KeyRecords.stringBlob(bytes("v"), version.stamp())));
        store.endTurn();
        state.write(store.stateWrites());
        metadata.write(store.metadataWrites());
    }
}
