package kv.client;

/**
 * Bounds of the client: everything that grows has one here, and the builder checks its
 * settings against them (STYLE.md section 4).
 */
final class ClientLimits {
    /** A reply line (simple string, error, integer, length header). */
    static final int REPLY_LINE_SIZE_BYTES_MAX = 64 * 1024;
    /** One bulk string in a reply: above the server's 1 MiB value bound with headroom. */
    static final int REPLY_BULK_SIZE_BYTES_MAX = 64 << 20;
    /** Elements of one array reply (MGET, HGETALL, ZRANGE of a large key). */
    static final int REPLY_ARRAY_COUNT_MAX = 16 << 20;
    static final int REPLY_NESTING_DEPTH_MAX = 8;

    static final int NODES_COUNT_MAX = 16;
    static final int CONNECTIONS_PER_NODE_COUNT_MAX = 64;
    static final int IN_FLIGHT_PER_CONNECTION_COUNT_MAX = 65_536;
    static final long IN_FLIGHT_PER_CONNECTION_BYTES_MAX = 1L << 30;
    /** One encoded request: the server's request bound is 8 MiB plus framing. */
    static final int REQUEST_SIZE_BYTES_MAX = 16 << 20;
    static final int ATTEMPTS_COUNT_MAX = 1000;
    /** Requests queued in one event-loop turn share buffers of up to this size (one flush). */
    static final int WRITE_BATCH_SIZE_BYTES_MAX = 256 * 1024;
    /** First size of such a buffer; it grows as requests are encoded into it. */
    static final int WRITE_BUFFER_SIZE_BYTES_INITIAL = 4096;
    /** Idle sessions kept for reuse; concurrent sessions are bounded by the in-flight bounds. */
    static final int SESSIONS_IDLE_COUNT_MAX = 4096;
    /** How often each connection checks its in-flight requests for deadlines. */
    static final long DEADLINE_SWEEP_INTERVAL_MILLIS = 10;
    /**
     * A node that answered like one cut off from the majority (or whose connection failed) is
     * avoided this long while other nodes are usable; then it gets requests again. Above the
     * refresh interval's default (1 s) so a refresh can learn a new leader meanwhile.
     */
    static final long NODE_SUSPECT_MILLIS = 2_000;
    /** Error-triggered topology refreshes are at most this often. */
    static final long REFRESH_INTERVAL_MIN_MILLIS = 50;

    private ClientLimits() {}

    static {
        check(REPLY_BULK_SIZE_BYTES_MAX >= REQUEST_SIZE_BYTES_MAX, "a value we may write fits in a reply");
        check(IN_FLIGHT_PER_CONNECTION_BYTES_MAX >= REQUEST_SIZE_BYTES_MAX, "one request fits in flight");
    }

    static void check(boolean condition, String what) {
        if (!condition) throw new IllegalStateException("client limits: " + what);
    }
}
