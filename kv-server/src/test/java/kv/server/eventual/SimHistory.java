package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Every write the simulated clients issued, with the version each key got, whether it was
 * persisted (survived its turn) and whether it was acknowledged; what the checkers judge by.
 */
final class SimHistory {
    static final class Write {
        final long requestId;
        final int node;
        final String key;
        final Version version;
        final boolean delete;
        /** The SET value (unique per run), or null for other commands. */
        final String value;
        final Level level;
        boolean persisted;
        boolean acknowledged;
        /** Only on disks that were wiped before it spread: losing it is allowed. */
        boolean lostWithDisk;

        Write(long requestId, int node, String key, Version version, boolean delete, String value,
              Level level) {
            this.requestId = requestId;
            this.node = node;
            this.key = key;
            this.version = version;
            this.delete = delete;
            this.value = value;
            this.level = level;
        }

        @Override
        public String toString() {
            return (delete ? "DEL " : "write ") + key + (value == null ? "" : "=" + value) + " at "
                    + version + " on node " + node + " (" + level
                    + (acknowledged ? ", acknowledged" : "") + ")";
        }
    }

    final List<Write> writes = new ArrayList<>();
    final TreeMap<String, Write> bySetValue = new TreeMap<>();

    void add(Write write) {
        writes.add(write);
        if (write.value != null) bySetValue.put(write.value, write);
    }

    /** The persisted, not wiped writes of each key, by key. */
    TreeMap<String, List<Write>> survivingByKey() {
        TreeMap<String, List<Write>> byKey = new TreeMap<>();
        for (Write write : writes) {
            if (!write.persisted || write.lostWithDisk) continue;
            byKey.computeIfAbsent(write.key, k -> new ArrayList<>()).add(write);
        }
        return byKey;
    }
}
