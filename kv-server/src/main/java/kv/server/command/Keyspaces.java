package kv.server.command;

import java.util.List;

/** The keyspaces a node serves, as declared in its config; index 0 is the default. */
public record Keyspaces(List<Keyspace> all) {

    public enum Mode { STRONG, EVENTUAL }

    /**
     * One keyspace; the levels (ONE, QUORUM, ALL) are the defaults of an eventual keyspace, which
     * a connection may change with CONSISTENCY; a strong keyspace ignores them.
     */
    public record Keyspace(String name, int index, Mode mode, String writeLevel, String readLevel) {
        public Keyspace(String name, int index, Mode mode) {
            this(name, index, mode, "ONE", "ONE");
        }
    }

    /** The eventual keyspaces' indexes, a bit each. */
    public long eventualMask() {
        long mask = 0;
        for (Keyspace keyspace : all) {
            if (keyspace.mode() == Mode.EVENTUAL) mask |= 1L << keyspace.index();
        }
        return mask;
    }

    public boolean hasEventual() {
        return eventualMask() != 0;
    }

    /** The keyspace named by a SELECT argument (index or name), or null. */
    public Keyspace find(String indexOrName) {
        for (Keyspace keyspace : all) {
            if (keyspace.name().equals(indexOrName)
                    || Integer.toString(keyspace.index()).equals(indexOrName)) {
                return keyspace;
            }
        }
        return null;
    }

    public Keyspace byIndex(int index) {
        for (Keyspace keyspace : all) {
            if (keyspace.index() == index) return keyspace;
        }
        return null;
    }
}
