package kv.server.command;

import java.util.List;

/** The keyspaces a node serves, as declared in its config; index 0 is the default. */
public record Keyspaces(List<Keyspace> all) {

    public enum Mode { STRONG, EVENTUAL }

    public record Keyspace(String name, int index, Mode mode) {}

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
