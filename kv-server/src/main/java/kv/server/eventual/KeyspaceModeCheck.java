package kv.server.eventual;

import kv.server.Limits;
import kv.server.command.Keyspaces;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;

/**
 * A keyspace's mode cannot change once it holds data: the two modes keep different records
 * (a strong key's meta stamp is a log position, an eventual key's a version; anti-entropy lists
 * every key of the keyspaces marked eventual), so a switch would replicate strong keys as
 * eventual ones or leave node-local eventual keys inside a strong keyspace. The node checks its
 * data against the configured modes before it starts.
 */
public final class KeyspaceModeCheck {
    private KeyspaceModeCheck() {}

    /**
     * Null if the data fits this build and {@code keyspaces}, else what is wrong and what to do.
     * The eventual layout is checked first, with or without eventual keyspaces configured: data
     * of an older layout has no keyspace markers, so it would pass for strong data.
     */
    public static String problem(StateReader state, StateReader metadata, Keyspaces keyspaces) {
        String layout = EventualStore.layoutProblem(metadata);
        if (layout != null) return layout;
        long marked = EventualStore.keyspacesMarked(metadata);
        for (int index = 0; index < Limits.KEYSPACES_COUNT_MAX; index++) {
            Keyspaces.Keyspace keyspace = keyspaces.byIndex(index);
            boolean eventualConfigured = keyspace != null
                    && keyspace.mode() == Keyspaces.Mode.EVENTUAL;
            boolean eventualData = (marked & 1L << index) != 0;
            if (eventualData && !eventualConfigured) {
                return "keyspace " + index + " holds eventual data on this node but is "
                        + (keyspace == null ? "not configured" : "configured strong")
                        + ": a keyspace's mode cannot change once it holds data; configure it "
                        + "with mode: eventual again, or move this node's data directory away";
            }
            if (eventualConfigured && !eventualData && holdsRecords(state, index)) {
                return "keyspace " + index + " (" + keyspace.name() + ") holds strong data on "
                        + "this node but is configured eventual: a keyspace's mode cannot change "
                        + "once it holds data; configure it with mode: strong again, or use a new "
                        + "keyspace index for the eventual data";
            }
        }
        return null;
    }

    private static boolean holdsRecords(StateReader state, int keyspace) {
        byte[] prefix = {(byte) keyspace};
        try (StateCursor cursor = state.scan(prefix, Bytes.prefixEnd(prefix))) {
            return cursor.valid();
        }
    }
}
