package kv.server.eventual;

import java.util.Arrays;

/**
 * Last-writer-wins merge of two values of one key: the greater version wins. It is commutative,
 * associative and idempotent (a join on the version order), so replicas that receive the same
 * updates in any order, any number of times, hold the same value: the one with the greatest
 * version. Concurrent read-modify-write commands on different nodes therefore lose all but one
 * update (by design; counters and compare-and-set belong in strong keyspaces).
 */
public final class LwwMerge {
    private LwwMerge() {}

    /** The winner of {@code a} and {@code b}; either may be null (nothing known). */
    public static Versioned merge(Versioned a, Versioned b) {
        if (a == null) return b;
        if (b == null) return a;
        int order = a.version().compareTo(b.version());
        if (order != 0) return order > 0 ? a : b;
        // Equal versions name one write, so the values agree; break a tie on the bytes anyway so
        // the merge stays commutative even on corrupt input.
        return compareBlobs(a.blob(), b.blob()) >= 0 ? a : b;
    }

    /** Whether an incoming value at {@code incoming} replaces the local one at {@code local}. */
    public static boolean incomingWins(Version local, Version incoming) {
        return incoming.isNewerThan(local);
    }

    private static int compareBlobs(byte[] a, byte[] b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1; // tombstone high
        return Arrays.compareUnsigned(a, b);
    }
}
