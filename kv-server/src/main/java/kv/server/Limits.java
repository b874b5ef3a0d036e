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
    /** Largest peer frame: one Accept carrying a full batch, plus headers. */
    public static final int PEER_FRAME_SIZE_BYTES_MAX = BATCH_SIZE_BYTES_MAX + (64 << 10);
    /** Frames queued for one peer; beyond this new frames are dropped (Paxos retransmits). */
    public static final int PEER_OUTBOUND_QUEUE_COUNT_MAX = 16_384;
    /** Bytes queued for one peer; beyond this new frames are dropped and counted. */
    public static final int PEER_OUTBOUND_QUEUE_BYTES_MAX = 64 << 20;
    /**
     * Reconnect backoff to a peer: doubles from min to max, with jitter. The max bounds how
     * long a healed link stays unused, since a partition heals unannounced (attempts start
     * every backoff even while earlier ones wait): 250 ms costs at most four attempts a second
     * to a peer that is down.
     */
    public static final int PEER_RECONNECT_BACKOFF_MILLIS_MIN = 50;
    public static final int PEER_RECONNECT_BACKOFF_MILLIS_MAX = 250;
    /**
     * A connection attempt to a peer gives up after this long. Shorter than the kernel's first
     * SYN retransmission (1 s): attempts made during a partition end instead of waiting out
     * retransmissions, while fresh ones (fresh SYNs) start every backoff; ample for a LAN or
     * loopback handshake.
     */
    public static final int PEER_CONNECT_TIMEOUT_MILLIS = 500;
    /**
     * Connection attempts to one peer pending at once: a new one starts every backoff while
     * earlier ones still wait for their handshake (see PeerLink#dial). At the max backoff an
     * attempt starts at most once per 125 ms and lives a little over the 500 ms connect
     * timeout: 5 (625 ms of starts) never hold one back.
     */
    public static final int PEER_DIALS_PENDING_COUNT_MAX = 5;
    /**
     * A peer connection whose sent data stays unacknowledged this long is closed (TCP user
     * timeout, with epoll) and redialed. Without it a link cut silently (packets dropped) stays
     * "up" through the partition, and TCP retransmissions back off so far (tens of seconds after a
     * 30 s partition) that traffic resumes long after the heal.
     */
    public static final int PEER_UNACKNOWLEDGED_MILLIS_MAX = 2_000;
    /**
     * An accepted peer connection (it only reads) silent this long is probed with TCP keepalive
     * (epoll), once a second, three times, then closed: a peer that redialed after a cut link
     * does not leave its old connection open here forever.
     */
    public static final int PEER_INBOUND_IDLE_SECONDS_MAX = 5;
    /** Largest state snapshot a node sends to a lagging peer (held in memory while sent). */
    public static final long SNAPSHOT_SIZE_BYTES_MAX = 1L << 30;
    /** A session unused for this many slots expires (log-driven: the same on every replica). */
    public static final long SESSION_EXPIRY_SLOTS = 1_000_000;
    /** Sessions expired per applied slot at most, so one apply step stays short. */
    public static final int SESSION_EXPIRATIONS_PER_SLOT_MAX = 64;
    /**
     * Stale expiry-index entries (sessions used since they were indexed) one expiry or eviction
     * step moves to their session's last use at most, so one apply step stays short.
     */
    public static final int SESSION_REINDEX_PER_STEP_MAX = 1024;
    /** Keys SCAN examines per call when COUNT is not given, and the largest COUNT honoured. */
    public static final int SCAN_COUNT_DEFAULT = 10;
    public static final int SCAN_COUNT_MAX = 100_000;
    /** Members a reply may list (KEYS, HGETALL, ZRANGE): larger answers get -LIMIT. */
    public static final int REPLY_ELEMENTS_COUNT_MAX = 100_000;
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
        Assert.that(INBOUND_DRAIN_COUNT_MAX <= INBOUND_QUEUE_COUNT_MAX,
                "a turn drains at most the queue");
        Assert.that(PEER_FRAME_SIZE_BYTES_MAX > BATCH_SIZE_BYTES_MAX,
                "a full batch fits in one peer frame");
        Assert.that(PEER_OUTBOUND_QUEUE_BYTES_MAX >= PEER_FRAME_SIZE_BYTES_MAX,
                "a peer queue holds at least one largest frame");
        Assert.that(PEER_DIALS_PENDING_COUNT_MAX * (PEER_RECONNECT_BACKOFF_MILLIS_MAX / 2)
                        > PEER_CONNECT_TIMEOUT_MILLIS + PEER_RECONNECT_BACKOFF_MILLIS_MAX / 4,
                "at the max backoff the pending-dial bound never holds an attempt back");
        Assert.that(PEER_RECONNECT_BACKOFF_MILLIS_MIN < PEER_RECONNECT_BACKOFF_MILLIS_MAX,
                "reconnect backoff grows");
        Assert.that(KEYSPACES_COUNT_MAX <= 255, "a keyspace index fits in one byte");
        Assert.that(KEYSPACES_COUNT_MAX <= Long.SIZE,
                "keyspace masks are a bit per index in a long");
    }

    // Consensus
    /** Commands a leader queues for its next batches; when full, propose answers BUSY. */
    public static final int PROPOSALS_PENDING_COUNT_MAX = 65_536;
    /** Accepted replies an acceptor holds back for its lease holders (leases only). */
    public static final int ACCEPTED_DEFERRED_COUNT_MAX = 256;
    /**
     * A lease holder dropped from the holder set is taken back once it answers the leader and
     * trails the chosen prefix by at most this many slots: close enough that its first reads
     * do not wait long to catch up.
     */
    public static final int LEASE_HOLDER_REJOIN_LAG_SLOTS_MAX = 64;
    /**
     * Read-index requests a leader keeps waiting for a confirmation round; beyond it a request
     * is dropped and its reader falls back on its deadline. Rounds batch requests, so this
     * bounds memory, not throughput.
     */
    public static final int READ_INDEX_PENDING_COUNT_MAX = 4096;
    /**
     * Ticks a read without a lease waits for its read index and for this replica to apply that
     * far, before it goes through the log instead (a leader change, a lost message): a round
     * trip and an apply normally take well under one tick.
     */
    public static final int READ_INDEX_WAIT_TICKS_MAX = 50;
    /**
     * A follower asks again (the current leader, for the same reads) when its read-index
     * request has had no answer for this many ticks: a lost message or a new leader.
     */
    public static final int READ_INDEX_RESEND_TICKS = 5;
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

    // Eventual keyspaces
    /** Largest value of one eventual key (all its records as one blob): it ships whole. */
    public static final int EVENTUAL_VALUE_SIZE_BYTES_MAX = 8 << 20;
    /** Largest eventual peer message; one value plus headers always fits. */
    public static final int EVENTUAL_MESSAGE_SIZE_BYTES_MAX = 12 << 20;
    /** A push, repair or read reply stops adding updates past this size (one update may exceed). */
    public static final int EVENTUAL_MESSAGE_SIZE_BYTES_TARGET = 1 << 20;
    /** Updates one message may carry. */
    public static final int EVENTUAL_MESSAGE_UPDATES_COUNT_MAX = 4096;
    /** Push batches sent to one peer and not yet acknowledged. */
    public static final int EVENTUAL_PUSH_BATCHES_IN_FLIGHT_MAX = 4;
    /** Local updates kept for pushing; past it the oldest go and laggards rely on anti-entropy. */
    public static final int EVENTUAL_LOG_ENTRIES_COUNT_MAX = 1 << 20;
    /** Newest update log entries kept in memory with their values, so a push reads no store. */
    public static final int EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX = 1 << 18;
    /** Bytes of values those entries hold; past either bound the oldest are read from the log. */
    public static final int EVENTUAL_PUSH_TAIL_SIZE_BYTES_MAX = 64 << 20;
    /** Acknowledged update log entries one step deletes, so truncation never stalls a turn. */
    public static final int EVENTUAL_LOG_TRUNCATE_COUNT_MAX = 4096;
    /** Writes and reads waiting for replicas; more are answered -BUSY. */
    public static final int EVENTUAL_PENDING_REQUESTS_COUNT_MAX = 65_536;
    /** Keys one QUORUM or ALL read may name (MGET, EXISTS); more are answered -LIMIT. */
    public static final int EVENTUAL_READ_KEYS_COUNT_MAX = 1024;
    /** Anti-entropy digest buckets: keys hash into one; one digest message carries all. */
    public static final int EVENTUAL_DIGEST_BUCKETS_COUNT = 4096;
    /** Key versions one anti-entropy range reply lists, and its size bound. */
    public static final int EVENTUAL_RANGE_ITEMS_COUNT_MAX = 1024;
    public static final int EVENTUAL_RANGE_SIZE_BYTES_MAX = 256 << 10;
    /** Range requests one anti-entropy round may make: bounds its bandwidth. */
    public static final int EVENTUAL_ROUND_RANGES_COUNT_MAX = 8;
    /**
     * A round still waiting for replies is given up (and the next one starts) after this many
     * anti-entropy intervals without a reply: a lost message costs a few intervals, while a
     * round on a slow link (round trips longer than the interval) still completes.
     */
    public static final int EVENTUAL_ROUND_SILENCE_INTERVALS_MAX = 4;
    /**
     * Bytes one anti-entropy round moves at most: the digests, its range listings, and the
     * values it repairs in each direction (each repair message is cut at the target size).
     */
    public static final long EVENTUAL_ROUND_SIZE_BYTES_MAX =
            (long) EVENTUAL_DIGEST_BUCKETS_COUNT * 8 + (long) EVENTUAL_ROUND_RANGES_COUNT_MAX
                    * (EVENTUAL_RANGE_SIZE_BYTES_MAX + 2L * EVENTUAL_MESSAGE_SIZE_BYTES_MAX);
    /**
     * Group commit: after a synced turn answered n clients, the eventual driver waits at most
     * this long (and at most as long as that sync took) for about n requests before the next
     * turn, so one fsync covers the clients that just got their answers and those that queued
     * during the sync, instead of alternating between the two halves. 2 ms rather than 1: on a
     * loaded machine the answered clients take longer than 1 ms to come back (56 instead of 36
     * requests per turn, SET@ONE 11.9k -> 14.4k ops/s in one measurement).
     */
    public static final int EVENTUAL_GROUP_COMMIT_WAIT_MICROS_MAX = 2_000;
    /** Acknowledged tombstones waiting to settle before their writer drops them. */
    public static final int EVENTUAL_TOMBSTONES_SETTLING_COUNT_MAX = 65_536;
    /**
     * Peer frame bytes the eventual driver takes into one turn (at least one frame): a backlog
     * of pushes after a partition is merged in turns of about one push each, so acks flow back
     * steadily and client requests queued behind it wait one short turn, not the whole backlog.
     */
    public static final int EVENTUAL_TURN_INBOUND_BYTES_MAX = 1 << 20;
    /** Tombstones one tick may drop, so collecting garbage never stalls the node loop. */
    public static final int EVENTUAL_TOMBSTONE_GC_COUNT_MAX = 1024;
    /**
     * Bytes of recently written eventual keys' records kept in memory (state column family), so
     * GET@ONE of a recent key skips the RocksDB memtable search (storage.rocksdb.RecordCache):
     * 32 MiB holds ~130,000 keys with 100-byte values, the benchmarks' 100,000-key working set.
     */
    public static final long EVENTUAL_RECORD_CACHE_SIZE_BYTES_MAX = 32 << 20;
    /**
     * Bytes of recently applied strong keys' records (and exactly-once session records) kept in
     * memory, so a lease read and the apply step's reads skip the memtable search; sized as
     * {@link #EVENTUAL_RECORD_CACHE_SIZE_BYTES_MAX}.
     */
    public static final long STATE_RECORD_CACHE_SIZE_BYTES_MAX = 32 << 20;
    /** Larger records are not cached: their copy costs more than the lookup it saves. */
    public static final int RECORD_CACHE_RECORD_SIZE_BYTES_MAX = 4096;

    // Quorum leases (durations live in the config, in milliseconds)
    /** Key-hash buckets counting accepted-but-unapplied writes; a power of two. */
    public static final int LEASE_PENDING_KEY_BUCKETS_COUNT = 1 << 14;
    /**
     * Ticks a strong read waits at a lease holder for its state to catch up (a grantor's
     * reported slot, or a write to the same key) before it goes through the leader instead.
     */
    public static final int LEASE_READ_WAIT_TICKS_MAX = 10;
    /** Reads waiting for a holder to catch up; more go through the leader at once. */
    public static final int LEASE_READS_WAITING_COUNT_MAX = 65_536;

    static {
        Assert.that(EVENTUAL_VALUE_SIZE_BYTES_MAX + KEY_SIZE_BYTES_MAX + 64
                        <= EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "the largest eventual value fits a message");
        Assert.that(EVENTUAL_MESSAGE_SIZE_BYTES_MAX + 64 <= PEER_FRAME_SIZE_BYTES_MAX,
                "an eventual message fits a peer frame");
        Assert.that(EVENTUAL_MESSAGE_SIZE_BYTES_TARGET <= EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "the target message size is below the max");
        Assert.that(EVENTUAL_DIGEST_BUCKETS_COUNT * 8 + 64 <= EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "all digests fit one message");
        Assert.that(EVENTUAL_DIGEST_BUCKETS_COUNT <= 1 << 16, "a bucket index fits two bytes");
        Assert.that(EVENTUAL_RANGE_SIZE_BYTES_MAX >= KEY_SIZE_BYTES_MAX + 64,
                "a range listing holds at least one key");
        Assert.that(EVENTUAL_RANGE_SIZE_BYTES_MAX <= EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "a range listing fits a message");
        Assert.that(EVENTUAL_READ_KEYS_COUNT_MAX <= EVENTUAL_MESSAGE_UPDATES_COUNT_MAX,
                "a read request fits a message");
        Assert.that(EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX <= EVENTUAL_LOG_ENTRIES_COUNT_MAX,
                "the push tail holds at most the update log");
        Assert.that(EVENTUAL_PUSH_TAIL_ENTRIES_COUNT_MAX >= EVENTUAL_MESSAGE_UPDATES_COUNT_MAX,
                "the push tail holds at least one full batch");
        long recordCacheSmallest =
                Math.min(EVENTUAL_RECORD_CACHE_SIZE_BYTES_MAX, STATE_RECORD_CACHE_SIZE_BYTES_MAX);
        Assert.that(recordCacheSmallest >= 1024L * RECORD_CACHE_RECORD_SIZE_BYTES_MAX,
                "each record cache holds at least 1024 of its largest records");
        Assert.that(EVENTUAL_PUSH_TAIL_SIZE_BYTES_MAX >= EVENTUAL_MESSAGE_SIZE_BYTES_MAX,
                "the push tail holds at least the largest value");
    }
}
