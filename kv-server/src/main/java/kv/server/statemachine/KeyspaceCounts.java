package kv.server.statemachine;

/** Read-only counters the state machine keeps per keyspace, for INFO and metrics. */
public final class KeyspaceCounts {
    private KeyspaceCounts() {}

    public static long keyCount(StateReader state, int keyspaceIndex) {
        return new KeyspaceView(state, null, keyspaceIndex, 0).keyCount();
    }
}
