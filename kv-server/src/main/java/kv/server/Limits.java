package kv.server;

/**
 * Every bound in one place. Relationships between them are checked when the class loads, so a
 * bad edit fails at start, not under load. Values are starting points, tuned by benchmarks.
 */
public final class Limits {
    /** Largest key; Redis allows 512 MiB, we keep keys small so log batches stay small. */
    public static final int KEY_SIZE_BYTES_MAX = 1024;
    /** Largest value, hash field value or sorted-set member. */
    public static final int VALUE_SIZE_BYTES_MAX = 1 << 20;
    /** Most arguments in one command (MSET, HSET, ZADD with many pairs). */
    public static final int COMMAND_ARGS_COUNT_MAX = 1 << 16;
    /** Largest single request (all arguments together), and so the inbound buffer per client. */
    public static final int REQUEST_SIZE_BYTES_MAX = 8 << 20;
    /** Longest inline command line (telnet style), as in Redis. */
    public static final int INLINE_LINE_SIZE_BYTES_MAX = 64 << 10;
    /** Most commands one MULTI may queue before EXEC. */
    public static final int TRANSACTION_COMMANDS_COUNT_MAX = 10_000;
    /** Most keys one WATCH set may hold per connection. */
    public static final int WATCHED_KEYS_COUNT_MAX = 1024;
    /** Commands a connection may have queued behind the one executing (pipelining). */
    public static final int CONNECTION_PENDING_COMMANDS_COUNT_MAX = 1024;
    /** Outbound bytes queued for a slow reader before the server stops reading its requests. */
    public static final int CONNECTION_OUTBOUND_BYTES_HIGH = 4 << 20;
    public static final int CONNECTION_OUTBOUND_BYTES_LOW = 1 << 20;
    /** Outbound bytes after which a client that does not read is disconnected. */
    public static final int CONNECTION_OUTBOUND_BYTES_MAX = 64 << 20;
    /** Client connections per node; more are answered with an error and closed. */
    public static final int CONNECTIONS_COUNT_MAX = 10_000;
    /** Commands one log slot (batch) may carry. */
    public static final int BATCH_COMMANDS_COUNT_MAX = 1024;
    /** Bytes one log slot (batch) may carry: one Accept message. */
    public static final int BATCH_SIZE_BYTES_MAX = 16 << 20;
    /** Slots accepted but not yet chosen. */
    public static final int PIPELINE_SLOTS_COUNT_MAX = 4096;
    /** Proposals queued for the node loop; when full, clients get -BUSY. */
    public static final int INBOUND_QUEUE_COUNT_MAX = 65_536;
    /** Inputs the node loop drains per turn, so one turn stays short. */
    public static final int INBOUND_DRAIN_COUNT_MAX = 4096;
    /** Keys SCAN examines per call when COUNT is not given, and the largest COUNT honoured. */
    public static final int SCAN_COUNT_DEFAULT = 10;
    public static final int SCAN_COUNT_MAX = 100_000;
    /** Members a reply may list (KEYS, HGETALL, ZRANGE): larger answers get -LIMIT. */
    public static final int REPLY_ELEMENTS_COUNT_MAX = 1 << 20;
    /** Keyspaces a node may declare. */
    public static final int KEYSPACES_COUNT_MAX = 64;
    /** Replicas in a group. */
    public static final int REPLICAS_COUNT_MAX = 7;

    private Limits() {}

    static {
        Assert.that(KEY_SIZE_BYTES_MAX + VALUE_SIZE_BYTES_MAX + 64 <= BATCH_SIZE_BYTES_MAX,
                "the largest entry fits in one batch");
        Assert.that(REQUEST_SIZE_BYTES_MAX <= BATCH_SIZE_BYTES_MAX,
                "the largest request fits in one batch");
        Assert.that(VALUE_SIZE_BYTES_MAX < REQUEST_SIZE_BYTES_MAX,
                "a request can carry the largest value");
        Assert.that(CONNECTION_OUTBOUND_BYTES_LOW < CONNECTION_OUTBOUND_BYTES_HIGH,
                "outbound water marks are ordered");
        Assert.that(CONNECTION_OUTBOUND_BYTES_HIGH < CONNECTION_OUTBOUND_BYTES_MAX,
                "a slow reader is paused before it is disconnected");
        Assert.that(INBOUND_DRAIN_COUNT_MAX <= INBOUND_QUEUE_COUNT_MAX,
                "a turn drains at most the queue");
        Assert.that(KEYSPACES_COUNT_MAX <= 255, "a keyspace index fits in one byte");
    }

    // Consensus
    /** Commands a leader queues for its next batches; when full, propose answers BUSY. */
    public static final int PROPOSALS_PENDING_COUNT_MAX = 65_536;
    /** Bytes of commands a leader queues for its next batches; when full, propose is BUSY. */
    public static final long PROPOSALS_PENDING_SIZE_BYTES_MAX = 64L << 20;
    /** Chosen entries one Learn message carries to a lagging replica (catch-up step). */
    public static final int CATCH_UP_ENTRIES_COUNT_MAX = 256;
    /** Entries one retransmitted Accept carries to a peer that missed them. */
    public static final int RETRANSMIT_ENTRIES_COUNT_MAX = 256;
    /** Chosen entries one Ready hands to the state machine, so one turn stays short. */
    public static final int APPLY_ENTRIES_COUNT_MAX = 4096;
    /** Bytes of one snapshot chunk message. */
    public static final int SNAPSHOT_CHUNK_SIZE_BYTES_MAX = 1 << 20;
    /** Client sessions the state machine keeps; beyond it the least recently used goes. */
    public static final int SESSIONS_COUNT_MAX = 100_000;
    /** Cached result bytes one session keeps for a retried command. */
    public static final int SESSION_RESULT_SIZE_BYTES_MAX = 4096;
}
