package kv.server.eventual;

import kv.server.Assert;

/**
 * How many replicas a read or write waits for (Cassandra's consistency levels). A read at level
 * R after a write acknowledged at level W sees it when R + W > N: QUORUM with QUORUM, or ONE with
 * ALL.
 */
public enum Level {
    ONE,
    QUORUM,
    ALL;

    /** Replicas (this one included) that must answer among {@code replicasCount}. */
    public int requiredCount(int replicasCount) {
        Assert.that(replicasCount >= 1, "replicas count %d", replicasCount);
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> replicasCount / 2 + 1;
            case ALL -> replicasCount;
        };
    }

    /** The level named by {@code name} (any case), or null: for a CONSISTENCY command. */
    public static Level parse(String name) {
        for (Level level : values()) {
            if (level.name().equalsIgnoreCase(name)) return level;
        }
        return null;
    }
}
