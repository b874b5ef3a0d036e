package kv.server.eventual;

import kv.server.Assert;
import kv.server.Clock;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014), packed in a long:
 * physical milliseconds in the high 48 bits, a logical counter in the low 16. Packing makes the
 * update rules one line each: an event takes {@code max(last + 1, wall << 16)}, so a logical
 * overflow carries into the millisecond, and a wall clock that jumps backwards only stops the
 * physical part from moving until the wall clock catches up; timestamps keep increasing.
 * Receiving a timestamp ({@link #observe}) lifts the clock above it, so a write issued after a
 * node saw another node's write gets a greater version, whatever the two wall clocks say.
 */
public final class Hlc {
    static final int LOGICAL_BITS = 16;
    /**
     * 44 bits of milliseconds last until the year 2527; the timestamp then leaves room for the
     * node index in a {@link Version#stamp}.
     */
    static final long PHYSICAL_MILLIS_MAX = Version.TIMESTAMP_ACCEPTED_MAX >>> LOGICAL_BITS;

    private final Clock clock;
    /** The greatest timestamp issued or observed; every later {@link #now} exceeds it. */
    private long last;

    /** {@code restored}: the greatest timestamp persisted before a restart (0 on a new node). */
    public Hlc(Clock clock, long restored) {
        Assert.that(restored >= 0, "negative restored timestamp %d", restored);
        this.clock = clock;
        this.last = restored;
    }

    /** A new timestamp for a local event, greater than every one issued or observed before. */
    public long now() {
        long wall = Math.max(0, Math.min(clock.wallMillis(), PHYSICAL_MILLIS_MAX));
        long next = Math.max(last + 1, wall << LOGICAL_BITS);
        Assert.that(next > last, "hlc went backwards: %d after %d", next, last);
        last = next;
        return next;
    }

    /** Lifts the clock to at least {@code remote}, a timestamp received from another node. */
    public void observe(long remote) {
        if (remote > last) last = remote;
    }

    /** The greatest timestamp issued or observed: persist it so a restart never goes back. */
    public long last() {
        return last;
    }

    public static long physicalMillis(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    public static long logical(long timestamp) {
        return timestamp & ((1L << LOGICAL_BITS) - 1);
    }

    public static long ofMillis(long millis) {
        return millis << LOGICAL_BITS;
    }
}
