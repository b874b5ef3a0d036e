package kv.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The cluster-aware Synod client. Thread-safe; one instance per application is enough.
 *
 * <pre>{@code
 * try (KvClient client = KvClient.builder().seed("127.0.0.1", 6379).build()) {
 *     client.set("k", "v").join();                 // async: CompletableFuture
 *     long n = client.blocking().incr("counter");  // blocking
 * }
 * }</pre>
 *
 * <p>Discovers the members from any seed ({@code SYNOD MEMBERS}), keeps connections to every
 * member, sends writes to the leader (any node when the leader is unknown: followers forward)
 * and routes reads as {@link ReadFrom} says, around members that fail or are cut off. Every
 * write in a strong keyspace runs exactly once: it carries a session (clientId, sequence) and a
 * retry after an unknown outcome reuses that pair ({@link Builder#exactlyOnce}). Reads retry
 * freely. In an eventual keyspace {@link #withConsistency} picks the level per request. Every
 * call has a deadline ({@link Builder#requestTimeout}); failures are typed subclasses of
 * {@link KvException}.
 *
 * <p>Futures complete on the client's I/O threads: do not block inside their callbacks.
 */
public final class KvClient implements AutoCloseable {
    static final byte[] SESSION = Resp.bytes("SESSION");

    private final ClientConfig config;
    private final EventLoopGroup group;
    private final Cluster cluster;
    private final Sessions sessions;
    private final LongAdder retriesCount;
    private final BlockingKvClient blocking;
    /** The level of this view's requests; DEFAULT for the client itself. */
    private final Consistency consistency;
    /** False for a view ({@link #withConsistency}): the client it came from owns the resources. */
    private final boolean owner;

    private KvClient(ClientConfig config) {
        this.config = config;
        this.consistency = Consistency.DEFAULT;
        this.owner = true;
        this.sessions = new Sessions();
        this.retriesCount = new LongAdder();
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreadsCount(), new IoThreadFactory(),
                NioIoHandler.newFactory());
        this.cluster = new Cluster(config, group);
        try {
            cluster.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.blocking = new BlockingKvClient(this);
    }

    /** A view of {@code parent} at another level: same connections, sessions and counters. */
    private KvClient(KvClient parent, Consistency consistency) {
        this.config = parent.config;
        this.group = parent.group;
        this.cluster = parent.cluster;
        this.sessions = parent.sessions;
        this.retriesCount = parent.retriesCount;
        this.consistency = consistency;
        this.owner = false;
        this.blocking = new BlockingKvClient(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * This client at a per-request consistency level for eventual keyspaces: every call made
     * through the returned view runs at {@code level}, on the same connections (cheap: keep it
     * or make one per call). Closing a view does nothing; close the client it came from.
     *
     * @throws IllegalStateException in a strong keyspace, where every read and write is
     *     linearizable and levels do not apply ({@link Consistency#DEFAULT} is allowed)
     */
    public KvClient withConsistency(Consistency level) {
        if (level == null) throw new IllegalArgumentException("level is null; use Consistency.DEFAULT");
        if (level != Consistency.DEFAULT && !cluster.isEventualKeyspace()) {
            throw new IllegalStateException("consistency " + level + " applies to eventual keyspaces;"
                    + " keyspace " + config.keyspaceIndex() + " is strong (every read and write is"
                    + " linearizable): select an eventual keyspace with Builder.keyspace(index)");
        }
        return level == consistency ? this : new KvClient(this, level);
    }

    /** The level of this client's requests ({@link Consistency#DEFAULT} unless a view). */
    public Consistency consistency() {
        return consistency;
    }

    /** The blocking view of this client: same calls, results instead of futures. */
    public BlockingKvClient blocking() {
        return blocking;
    }

    // ---- Strings and keys.

    public CompletableFuture<String> get(String key) {
        return read(Replies::string, "GET", key);
    }

    public CompletableFuture<byte[]> getBytes(byte[] key) {
        return read(Replies::bytes, "GET", key);
    }

    public CompletableFuture<Void> set(String key, String value) {
        return write(Replies::ok, "SET", key, value);
    }

    public CompletableFuture<Void> set(byte[] key, byte[] value) {
        return write(Replies::ok, "SET", key, value);
    }

    /** SETNX: true if the key was set (it did not exist). */
    public CompletableFuture<Boolean> setIfAbsent(String key, String value) {
        return write(Replies::bool, "SETNX", key, value);
    }

    public CompletableFuture<Long> incr(String key) {
        return write(Replies::integer, "INCR", key);
    }

    public CompletableFuture<Long> incrBy(String key, long delta) {
        return write(Replies::integer, "INCRBY", key, delta);
    }

    public CompletableFuture<Long> decr(String key) {
        return write(Replies::integer, "DECR", key);
    }

    /** DEL: how many of the keys existed. */
    public CompletableFuture<Long> del(String... keys) {
        return write(Replies::integer, prepend("DEL", (Object[]) keys));
    }

    public CompletableFuture<Long> exists(String... keys) {
        return read(Replies::integer, prepend("EXISTS", (Object[]) keys));
    }

    /** MGET: one value per key, null where absent. */
    public CompletableFuture<List<String>> mget(String... keys) {
        return read(Replies::strings, prepend("MGET", (Object[]) keys));
    }

    public CompletableFuture<Void> mset(Map<String, String> entries) {
        return write(Replies::ok, pairs("MSET", null, entries));
    }

    // ---- Hashes.

    /** HSET: how many fields were new. */
    public CompletableFuture<Long> hset(String key, String field, String value) {
        return write(Replies::integer, "HSET", key, field, value);
    }

    public CompletableFuture<Long> hset(String key, Map<String, String> fields) {
        return write(Replies::integer, pairs("HSET", key, fields));
    }

    public CompletableFuture<String> hget(String key, String field) {
        return read(Replies::string, "HGET", key, field);
    }

    /** HGETALL in the server's field order; empty when the key does not exist. */
    public CompletableFuture<Map<String, String>> hgetall(String key) {
        return read(Replies::map, "HGETALL", key);
    }

    public CompletableFuture<Long> hdel(String key, String... fields) {
        return write(Replies::integer, prepend("HDEL", key, (Object[]) fields));
    }

    public CompletableFuture<Long> hincrBy(String key, String field, long delta) {
        return write(Replies::integer, "HINCRBY", key, field, delta);
    }

    public CompletableFuture<Long> hlen(String key) {
        return read(Replies::integer, "HLEN", key);
    }

    // ---- Sorted sets.

    /** ZADD: how many members were new. */
    public CompletableFuture<Long> zadd(String key, double score, String member) {
        return write(Replies::integer, "ZADD", key, score(score), member);
    }

    public CompletableFuture<Long> zrem(String key, String... members) {
        return write(Replies::integer, prepend("ZREM", key, (Object[]) members));
    }

    public CompletableFuture<Double> zincrBy(String key, double delta, String member) {
        return write(Replies::decimal, "ZINCRBY", key, score(delta), member);
    }

    public CompletableFuture<Double> zscore(String key, String member) {
        return read(Replies::decimal, "ZSCORE", key, member);
    }

    public CompletableFuture<Long> zcard(String key) {
        return read(Replies::integer, "ZCARD", key);
    }

    /** ZRANGE by index, inclusive; negative indexes count from the end. */
    public CompletableFuture<List<String>> zrange(String key, long start, long stop) {
        return read(Replies::strings, "ZRANGE", key, start, stop);
    }

    public CompletableFuture<List<ScoredMember>> zrangeWithScores(String key, long start, long stop) {
        return read(Replies::scored, "ZRANGE", key, start, stop, "WITHSCORES");
    }

    public CompletableFuture<List<String>> zrangeByScore(String key, double min, double max) {
        return read(Replies::strings, "ZRANGEBYSCORE", key, score(min), score(max));
    }

    // ---- Anything else.

    public CompletableFuture<String> ping() {
        return read(Replies::string, "PING");
    }

    /**
     * Any command, raw reply (String, Long, byte[], List, null). {@code write} must be true for
     * commands that change data: they then run exactly once through a session.
     */
    public CompletableFuture<Object> command(boolean write, Object... args) {
        return write ? write(Replies::raw, args) : read(Replies::raw, args);
    }

    // ---- Plumbing.

    <T> CompletableFuture<T> read(Function<Object, T> convert, Object... args) {
        return new Call<>(this, encodeArgs(args), false, convert, deadline()).start();
    }

    <T> CompletableFuture<T> write(Function<Object, T> convert, Object... args) {
        return new Call<>(this, encodeArgs(args), true, convert, deadline()).start();
    }

    private long deadline() {
        return System.nanoTime() + config.requestTimeout().toNanos();
    }

    private static byte[][] encodeArgs(Object[] args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof byte[] bytes) out[i] = bytes;
            else if (arg instanceof String text) out[i] = Resp.bytes(text);
            else if (arg instanceof Long || arg instanceof Integer) out[i] = Resp.bytes(((Number) arg).longValue());
            else if (arg == null) throw new IllegalArgumentException("argument " + i + " is null");
            else out[i] = Resp.bytes(arg.toString());
        }
        return out;
    }

    private static Object[] prepend(Object first, Object... rest) {
        Object[] out = new Object[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static Object[] prepend(Object first, Object second, Object... rest) {
        return prepend(first, prepend(second, rest));
    }

    private static Object[] pairs(String name, String key, Map<String, String> entries) {
        List<Object> out = new ArrayList<>(entries.size() * 2 + 2);
        out.add(name);
        if (key != null) out.add(key);
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            out.add(entry.getKey());
            out.add(entry.getValue());
        }
        return out.toArray();
    }

    private static String score(double score) {
        if (score == Double.POSITIVE_INFINITY) return "+inf";
        if (score == Double.NEGATIVE_INFINITY) return "-inf";
        if (score == Math.rint(score) && Math.abs(score) < 1e15) return Long.toString((long) score);
        return Double.toString(score);
    }

    ClientConfig config() {
        return config;
    }

    Cluster cluster() {
        return cluster;
    }

    Sessions sessions() {
        return sessions;
    }

    LongAdder retriesCount() {
        return retriesCount;
    }

    /** Retried attempts so far (all calls). */
    public long retriesTotal() {
        return retriesCount.sum();
    }

    /** Leader changes the client has followed. */
    public long leaderChangesTotal() {
        return cluster.leaderChangesCount();
    }

    /** The leader's member id as last learned; 0 while unknown. */
    public int leaderId() {
        return cluster.leaderId();
    }

    /** Sessions opened so far (one per concurrent write stream; more after unknown outcomes). */
    public int sessionsOpened() {
        return sessions.openedCount();
    }

    /** Closes the connections and I/O threads; a no-op on a view of another client. */
    @Override
    public void close() {
        if (!owner) return;
        cluster.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** True on the client's I/O threads, where a call must never wait for pipeline room. */
    static boolean isIoThread() {
        return Thread.currentThread() instanceof IoThread;
    }

    private static final class IoThread extends FastThreadLocalThread {
        IoThread(Runnable task, String name) {
            super(task, name);
            setDaemon(true);
        }
    }

    private static final class IoThreadFactory implements ThreadFactory {
        private static final AtomicInteger CLIENTS = new AtomicInteger();
        private final int clientIndex = CLIENTS.incrementAndGet();
        private final AtomicInteger threads = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            return new IoThread(task, "kv-client-" + clientIndex + "-io-" + threads.incrementAndGet());
        }
    }

    /** Settings with validation at {@link #build()}; defaults suit a 3-node cluster on a LAN. */
    public static final class Builder {
        private final List<InetSocketAddress> seeds = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(15);
        private Duration replyTimeout = Duration.ofSeconds(6);
        private int connectionsPerNode = 1;
        private int inFlightCountMax = 1024;
        private long inFlightBytesMax = 64L << 20;
        private WhenFull whenFull = WhenFull.WAIT;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private int keyspaceIndex = 0;
        private Duration refreshInterval = Duration.ofSeconds(1);
        private int ioThreadsCount = Math.min(4, Runtime.getRuntime().availableProcessors());
        private ReadFrom readFrom = ReadFrom.AUTO;
        private boolean exactlyOnce = true;
        private ClientMetrics metrics = ClientMetrics.NONE;

        private Builder() {}

        /** A node to discover the cluster from; any member will do. */
        public Builder seed(String host, int port) {
            seeds.add(new InetSocketAddress(host, port));
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            connectTimeout = timeout;
            return this;
        }

        /** Deadline of every call, retries included (default 15 s). */
        public Builder requestTimeout(Duration timeout) {
            requestTimeout = timeout;
            return this;
        }

        /**
         * A connection silent this long with a request outstanding is closed and its requests
         * retried elsewhere (default 6 s: the server's 5 s request timeout plus margin).
         */
        public Builder replyTimeout(Duration timeout) {
            replyTimeout = timeout;
            return this;
        }

        /** Connections to each member (default 1: pipelining makes one enough for most loads). */
        public Builder connectionsPerNode(int count) {
            connectionsPerNode = count;
            return this;
        }

        /** Requests in flight per connection (default 1024). */
        public Builder inFlightCountMax(int count) {
            inFlightCountMax = count;
            return this;
        }

        /** Encoded request bytes in flight per connection (default 64 MiB). */
        public Builder inFlightBytesMax(long bytes) {
            inFlightBytesMax = bytes;
            return this;
        }

        public Builder whenFull(WhenFull policy) {
            whenFull = policy;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            retryPolicy = policy;
            return this;
        }

        /** The keyspace (SELECT index) of every connection (default 0). */
        public Builder keyspace(int index) {
            keyspaceIndex = index;
            return this;
        }

        /** How often members and leader are refreshed without errors (default 1 s). */
        public Builder refreshInterval(Duration interval) {
            refreshInterval = interval;
            return this;
        }

        /** Where reads go (default {@link ReadFrom#AUTO}). */
        public Builder readFrom(ReadFrom where) {
            readFrom = where;
            return this;
        }

        /**
         * Exactly-once writes (default true): every write in a strong keyspace carries a session
         * (clientId, sequence) and a write of unknown outcome is retried with the same pair, so
         * it applies once. The server keeps a session record per write, which costs it about
         * half its SET throughput (kv-bench/RESULTS.md). False sends writes plain, like a Redis
         * client: cheaper, but a write of unknown outcome then fails with
         * {@link UnknownOutcomeException} instead of being retried. Eventual keyspaces have no
         * sessions either way.
         */
        public Builder exactlyOnce(boolean enabled) {
            exactlyOnce = enabled;
            return this;
        }

        /**
         * Where call latency, retries and failovers go (default {@link ClientMetrics#NONE});
         * {@code new MicrometerClientMetrics(registry)} records them in Micrometer.
         */
        public Builder metrics(ClientMetrics sink) {
            metrics = sink;
            return this;
        }

        public Builder ioThreads(int count) {
            ioThreadsCount = count;
            return this;
        }

        /** Validates the settings (IllegalArgumentException), then connects. */
        public KvClient build() {
            return new KvClient(config());
        }

        ClientConfig config() {
            return new ClientConfig(seeds, connectTimeout, requestTimeout, replyTimeout,
                    connectionsPerNode, inFlightCountMax, inFlightBytesMax, whenFull, retryPolicy,
                    keyspaceIndex, refreshInterval, ioThreadsCount, readFrom, exactlyOnce, metrics);
        }
    }
}
