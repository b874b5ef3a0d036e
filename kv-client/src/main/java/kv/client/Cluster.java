package kv.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's view of the cluster: members (from {@code SYNOD MEMBERS}), the leader, and a
 * pool of connections per member. Writes go to the leader when it is known and reachable, else
 * to any node (followers forward writes); reads are spread round-robin over reachable nodes.
 * The view is refreshed periodically and, rate-limited, after routing errors; closed
 * connections are reopened by the same maintenance task.
 */
final class Cluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    /** One member and its connections. Slots are replaced when a connection closes. */
    static final class Node {
        final int id;
        final InetSocketAddress address;
        final AtomicReferenceArray<RespConnection> connections;
        final AtomicInteger cursor = new AtomicInteger();
        /**
         * Until then (System.nanoTime) the node is avoided while others are usable: it answered
         * as a node cut off from the majority would (-CLUSTERDOWN, -UNKNOWN, -TRYAGAIN) or its
         * connection failed. Reachable but partitioned nodes answer only after the server's
         * request timeout, so routing around them matters more than for dead ones.
         */
        volatile long suspectUntilNanos;
        /** Calls this member answered other than with an error, over all its connections. */
        final LongAdder answeredCount = new LongAdder();
        /** Failures that made (or kept) it suspect. */
        final LongAdder suspicionsCount = new LongAdder();

        Node(int id, InetSocketAddress address, int connectionsCount) {
            this.id = id;
            this.address = address;
            this.connections = new AtomicReferenceArray<>(connectionsCount);
            this.suspectUntilNanos = System.nanoTime();
        }

        boolean isSuspect(long now) {
            return now - suspectUntilNanos < 0;
        }

        /** A ready connection, the least loaded of two round-robin picks; or null. */
        RespConnection pick() {
            int count = connections.length();
            int start = cursor.getAndIncrement() & Integer.MAX_VALUE;
            RespConnection best = null;
            for (int i = 0; i < count; i++) {
                RespConnection candidate = connections.get((start + i) % count);
                if (candidate == null || !candidate.isReady()) continue;
                if (best == null || candidate.loadCount() < best.loadCount()) best = candidate;
                if (i >= 1 && best != null) break;
            }
            return best;
        }

        boolean isReachable() {
            for (int i = 0; i < connections.length(); i++) {
                RespConnection connection = connections.get(i);
                if (connection != null && connection.isReady()) return true;
            }
            return false;
        }
    }

    private final ClientConfig config;
    private final Bootstrap bootstrap;
    private final EventExecutor timer;
    private volatile Node[] nodes = new Node[0];
    /** The leader's member id; 0 while unknown. */
    private volatile int leaderId;
    private final AtomicInteger readCursor = new AtomicInteger();
    private final AtomicBoolean refreshRunning = new AtomicBoolean();
    private final AtomicLong refreshLastNanos = new AtomicLong(System.nanoTime() - (1L << 40));
    private final AtomicLong leaderChangesCount = new AtomicLong();
    private volatile boolean closed;
    /** The client's keyspace is eventual: no exactly-once sessions, levels apply. Set at start. */
    private volatile boolean eventualKeyspace;
    static final byte[][] KEYSPACE_MODE_COMMAND = {Resp.bytes("CONSISTENCY")};

    Cluster(ClientConfig config, EventLoopGroup group) {
        this.config = config;
        this.timer = group.next();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    }

    EventExecutor timer() {
        return timer;
    }

    /**
     * Asks the seeds in turn for the members, opens connections to all members and waits until
     * at least one is usable. Throws {@link ConnectionException} naming every seed's failure.
     */
    void start() {
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        StringBuilder failures = new StringBuilder();
        for (InetSocketAddress seed : config.seeds()) {
            try {
                List<Member> members = askMembers(seed, deadline);
                update(members, seed);
                awaitReachable(deadline);
                timer.scheduleWithFixedDelay(this::maintain, config.refreshInterval().toMillis(),
                        config.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (KvException e) {
                failures.append("\n  ").append(seed).append(": ").append(e.getMessage());
            }
        }
        throw new ConnectionException("no seed answered SYNOD MEMBERS within "
                + config.connectTimeout().toMillis() + " ms:" + failures);
    }

    private List<Member> askMembers(InetSocketAddress seed, long deadline) {
        RespConnection connection = new RespConnection(seed, null, config, closedConnection -> {});
        try {
            connection.connect(bootstrap).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            CompletableFuture<Object> reply = new CompletableFuture<>();
            CompletableFuture<Object> mode = new CompletableFuture<>();
            connection.sendInternal(internal(Member.COMMAND, deadline, reply));
            connection.sendInternal(internal(KEYSPACE_MODE_COMMAND, deadline, mode));
            List<Member> members = Member.parseAll(reply.get(remainingMillis(deadline),
                    TimeUnit.MILLISECONDS), seed);
            eventualKeyspace = isEventual(mode, deadline);
            return members;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KvException kv ? kv
                    : new ConnectionException(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectionException("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted");
        } finally {
            connection.close();
        }
    }

    /**
     * The keyspace's mode from {@code CONSISTENCY} without arguments: "STRONG" in a strong
     * keyspace, "DEFAULT write=... read=..." in an eventual one. A server without the command
     * has strong keyspaces only.
     */
    private static boolean isEventual(CompletableFuture<Object> mode, long deadline)
            throws InterruptedException, TimeoutException {
        try {
            return !"STRONG".equals(mode.get(remainingMillis(deadline), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServerErrorException) return false;
            throw e.getCause() instanceof KvException kv ? kv
                    : new ConnectionException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    private void awaitReachable(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            for (Node node : nodes) if (node.isReachable()) return;
            try {
                Thread.sleep(5); // bounded by the connect deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("interrupted");
            }
        }
        throw new ConnectionException("no member reachable");
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    /** An internal request whose reply (or failure) completes {@code reply}. */
    static Pending internal(byte[][] args, long deadline, CompletableFuture<Object> reply) {
        return new Pending(args, deadline, 0, new Pending.Listener() {
            @Override
            public void onReply(Pending pending, Object value) {
                if (value instanceof RespError error) reply.completeExceptionally(error.toException());
                else reply.complete(value);
            }

            @Override
            public void onFailure(Pending pending, KvException error, boolean maybeSent) {
                reply.completeExceptionally(error);
            }
        });
    }

    /** Applies a members answer: new members get connections; roles give the leader. */
    private synchronized void update(List<Member> members, InetSocketAddress via) {
        Node[] current = nodes;
        List<Node> next = new ArrayList<>(List.of(current));
        int leader = 0;
        for (Member member : members) {
            if (member.leader()) leader = member.id();
            if (find(current, member.id()) == null && next.size() < ClientLimits.NODES_COUNT_MAX) {
                next.add(new Node(member.id(), member.address(), config.connectionsPerNode()));
            }
        }
        nodes = next.toArray(new Node[0]);
        if (leader != leaderId) {
            // The majority's view names it: whatever made it suspect (an election) is over.
            Node elected = find(nodes, leader);
            if (elected != null) elected.suspectUntilNanos = System.nanoTime();
            if (leaderId != 0 || current.length > 0) {
                leaderChangesCount.incrementAndGet();
                config.metrics().onFailover();
            }
            LOG.info("leader is now id={} (was id={}), learned via {}", leader, leaderId, via);
            leaderId = leader;
        }
        openMissingConnections();
    }

    private static Node find(Node[] nodes, int id) {
        for (Node node : nodes) if (node.id == id) return node;
        return null;
    }

    private void openMissingConnections() {
        if (closed) return;
        for (Node node : nodes) {
            for (int i = 0; i < node.connections.length(); i++) {
                RespConnection existing = node.connections.get(i);
                if (existing != null && !existing.isClosed()) continue;
                RespConnection fresh = new RespConnection(node.address, node, config,
                        this::onConnectionClosed);
                if (node.connections.compareAndSet(i, existing, fresh)) fresh.connect(bootstrap);
            }
        }
    }

    private void onConnectionClosed(RespConnection connection) {
        if (!closed) requestRefresh();
    }

    /**
     * The connection for a write: the leader's unless it is suspect, else any reachable node's
     * (followers forward writes); null if none.
     */
    RespConnection pickForWrite() {
        int leader = leaderId;
        if (leader != 0) {
            Node node = find(nodes, leader);
            if (node != null && !node.isSuspect(System.nanoTime())) {
                RespConnection connection = node.pick();
                if (connection != null) return connection;
            }
        }
        return pickAny();
    }

    /** A connection for a read as {@link ReadFrom} says; null if no member is reachable. */
    RespConnection pickForRead() {
        ReadFrom where = config.readFrom();
        if (where == ReadFrom.AUTO) where = ReadFrom.ANY; // quorum leases: any member reads
        return where == ReadFrom.LEADER ? pickForWrite() : pickAny();
    }

    /** Round-robin over reachable nodes, suspect ones only if no other is reachable; or null. */
    RespConnection pickAny() {
        Node[] current = nodes;
        int start = readCursor.getAndIncrement() & Integer.MAX_VALUE;
        long now = System.nanoTime();
        RespConnection fallback = null;
        for (int i = 0; i < current.length; i++) {
            Node node = current[(start + i) % current.length];
            if (node.isSuspect(now) && fallback != null) continue;
            RespConnection connection = node.pick();
            if (connection == null) continue;
            if (!node.isSuspect(now)) return connection;
            fallback = connection;
        }
        return fallback;
    }

    /**
     * Avoid member {@code nodeId} for {@link ClientLimits#NODE_SUSPECT_MILLIS} while others are
     * usable, and refresh the view from them (a new leader may have been elected).
     */
    void suspect(int nodeId) {
        Node node = find(nodes, nodeId);
        if (node == null) return;
        long now = System.nanoTime();
        if (!node.isSuspect(now)) LOG.debug("avoiding node id={} for {} ms", nodeId, ClientLimits.NODE_SUSPECT_MILLIS);
        node.suspicionsCount.increment();
        node.suspectUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(ClientLimits.NODE_SUSPECT_MILLIS);
        requestRefresh();
    }

    /** After a routing error: refresh soon, at most every REFRESH_INTERVAL_MIN_MILLIS. */
    void requestRefresh() {
        long now = System.nanoTime();
        long last = refreshLastNanos.get();
        long minNanos = TimeUnit.MILLISECONDS.toNanos(ClientLimits.REFRESH_INTERVAL_MIN_MILLIS);
        if (now - last < minNanos || !refreshLastNanos.compareAndSet(last, now)) return;
        try {
            timer.schedule(this::maintain, ClientLimits.REFRESH_INTERVAL_MIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down.
        }
    }

    /** Reopens closed connections and asks a reachable member (the leader first) for members. */
    private void maintain() {
        if (closed) return;
        openMissingConnections();
        if (!refreshRunning.compareAndSet(false, true)) return;
        RespConnection connection = pickForWrite();
        if (connection == null) {
            refreshRunning.set(false);
            leaderId = 0;
            return;
        }
        CompletableFuture<Object> reply = new CompletableFuture<>();
        long deadline = System.nanoTime() + config.replyTimeout().toNanos();
        connection.sendInternal(internal(Member.COMMAND, deadline, reply));
        reply.whenComplete((value, error) -> {
            refreshRunning.set(false);
            if (error != null) {
                LOG.debug("members refresh via {} failed: {}", connection.address(), error.toString());
                return;
            }
            try {
                update(Member.parseAll(value, connection.address()), connection.address());
            } catch (KvException e) {
                LOG.warn("bad SYNOD MEMBERS answer from {}: {}", connection.address(), e.getMessage());
            }
        });
    }

    int leaderId() {
        return leaderId;
    }

    boolean isEventualKeyspace() {
        return eventualKeyspace;
    }

    long leaderChangesCount() {
        return leaderChangesCount.get();
    }

    int nodesCount() {
        return nodes.length;
    }

    /** True while member {@code nodeId} is avoided (see {@link Node#suspectUntilNanos}). */
    boolean isSuspect(int nodeId) {
        Node node = find(nodes, nodeId);
        return node != null && node.isSuspect(System.nanoTime());
    }

    /** Failures that made or kept member {@code nodeId} suspect; 0 for an unknown member. */
    long suspicionsCount(int nodeId) {
        Node node = find(nodes, nodeId);
        return node == null ? 0 : node.suspicionsCount.sum();
    }

    /** Calls member {@code nodeId} answered other than with an error; 0 for an unknown member. */
    long answeredCount(int nodeId) {
        Node node = find(nodes, nodeId);
        return node == null ? 0 : node.answeredCount.sum();
    }

    @Override
    public void close() {
        closed = true;
        for (Node node : nodes) {
            for (int i = 0; i < node.connections.length(); i++) {
                RespConnection connection = node.connections.get(i);
                if (connection != null) connection.close();
            }
        }
    }
}
