package kv.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One pipelined RESP2 connection to one node. Any thread may {@link #send}; requests are
 * queued, then written and flushed in batches on the channel's event loop, and replies are
 * matched to requests in order. In flight is bounded in count and bytes by two semaphores
 * taken before a request is queued and released when it completes.
 *
 * <p>Invariant: {@code inFlight} holds exactly the written requests without a reply yet, in
 * write order; it is touched only on the event loop. When the channel closes every queued and
 * in-flight request fails: those never written with {@code maybeSent = false}.
 */
final class RespConnection {
    private final InetSocketAddress address;
    final int nodeId;
    private final Cluster.Node node;
    private final int keyspaceIndex;
    private final long replyTimeoutNanos;
    private final int inFlightCountMax;
    private final Semaphore countPermits;
    private final Semaphore bytesPermits;
    private final ConcurrentLinkedQueue<Pending> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final CompletableFuture<RespConnection> ready = new CompletableFuture<>();
    private final Consumer<RespConnection> onClosed;
    private volatile Channel channel;
    private volatile boolean readyFlag;
    private volatile boolean closed;
    private ScheduledFuture<?> sweep;
    /**
     * The CONSISTENCY level the server holds for this connection once it has run the last
     * request written (event loop only).
     */
    private Consistency connectionLevel = Consistency.DEFAULT;
    /** The level the server holds as of the last reply read (event loop only). */
    private Consistency serverLevel = Consistency.DEFAULT;
    /** When the last reply arrived (event loop only); see {@link #sweepDeadlines()}. */
    private long lastReplyNanos = System.nanoTime();
    private static final byte[][] LEVEL_ARGS = {Resp.bytes("CONSISTENCY")};

    /** @param node the member this connects to; null for a seed before the members are known */
    RespConnection(InetSocketAddress address, Cluster.Node node, ClientConfig config,
            Consumer<RespConnection> onClosed) {
        this.address = address;
        this.node = node;
        this.nodeId = node == null ? 0 : node.id;
        this.keyspaceIndex = config.keyspaceIndex();
        this.replyTimeoutNanos = config.replyTimeout().toNanos();
        this.inFlightCountMax = config.inFlightCountMax();
        this.countPermits = new Semaphore(config.inFlightCountMax());
        this.bytesPermits = new Semaphore((int) config.inFlightBytesMax());
        this.onClosed = onClosed;
    }

    /** Connects; the future completes once the connection is usable (after SELECT if needed). */
    CompletableFuture<RespConnection> connect(Bootstrap bootstrap) {
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new RespDecoder(), new Handler());
            }
        }).connect(address);
        channel = connecting.channel();
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                closed = true;
                ready.completeExceptionally(new ConnectionException("cannot connect to "
                        + address + ": " + done.cause(), done.cause()));
                onClosed.accept(this);
                return;
            }
            EventLoop loop = channel.eventLoop();
            sweep = loop.scheduleAtFixedRate(this::sweepDeadlines,
                    ClientLimits.DEADLINE_SWEEP_INTERVAL_MILLIS,
                    ClientLimits.DEADLINE_SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            if (keyspaceIndex == 0) {
                markReady();
                return;
            }
            byte[][] select = {Resp.bytes("SELECT"), Resp.bytes(keyspaceIndex)};
            long deadline = System.nanoTime() + replyTimeoutNanos;
            Pending pending = new Pending(select, deadline, 0, new Pending.Listener() {
                @Override
                public void onReply(Pending p, Object reply) {
                    if ("OK".equals(reply)) {
                        markReady();
                    } else {
                        ready.completeExceptionally(new ServerErrorException("SELECT "
                                + keyspaceIndex + " answered " + Resp.show(reply)));
                        close();
                    }
                }

                @Override
                public void onFailure(Pending p, KvException error, boolean maybeSent) {
                    ready.completeExceptionally(error);
                }
            });
            pending.permitted = false; // first on a fresh connection: needs no room
            enqueue(pending);
        });
        return ready;
    }

    private void markReady() {
        readyFlag = true;
        ready.complete(this);
    }

    InetSocketAddress address() {
        return address;
    }

    boolean isReady() {
        return readyFlag && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** Requests queued or in flight (approximate, for choosing the least loaded connection). */
    int loadCount() {
        return inFlightCountMax - countPermits.availablePermits();
    }

    /**
     * Queues a request without waiting; false if the pipeline is full (nothing queued). A
     * closed connection accepts and fails the request with maybeSent = false.
     */
    boolean trySend(Pending pending) {
        if (!countPermits.tryAcquire()) return false;
        if (!bytesPermits.tryAcquire(pending.sizeBytes)) {
            countPermits.release();
            return false;
        }
        pending.permitted = true;
        enqueue(pending);
        return true;
    }

    /**
     * Queues an internal request (SYNOD MEMBERS, the keyspace mode probe) outside the in-flight
     * bounds, so a full pipeline never starves topology refreshes. Bounded by the callers: at
     * most one refresh runs at a time, and the probe runs once at start.
     */
    void sendInternal(Pending pending) {
        pending.permitted = false;
        enqueue(pending);
    }

    /** Queues a request, waiting at most {@code waitNanos} for room; false if none came. */
    boolean send(Pending pending, long waitNanos) throws InterruptedException {
        long start = System.nanoTime();
        if (!countPermits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) return false;
        long left = waitNanos - (System.nanoTime() - start);
        if (!bytesPermits.tryAcquire(pending.sizeBytes, Math.max(0, left), TimeUnit.NANOSECONDS)) {
            countPermits.release();
            return false;
        }
        pending.permitted = true;
        enqueue(pending);
        return true;
    }

    private void enqueue(Pending pending) {
        outbound.add(pending);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException e) { // the client is shutting down
                closed = true;
                failQueued(new ConnectionException("client closed"));
            }
        }
    }

    /**
     * On the event loop: encodes every queued request into as few pooled buffers as possible
     * (one per {@link ClientLimits#WRITE_BATCH_SIZE_BYTES_MAX}), then flushes once: one
     * syscall carries everything callers queued since the previous turn.
     */
    private void drain() {
        drainScheduled.set(false);
        if (closed || !channel.isActive()) {
            failQueued(new ConnectionException("connection to " + address + " closed"));
            return;
        }
        long now = System.nanoTime();
        ByteBuf batch = null;
        Pending pending;
        while ((pending = outbound.poll()) != null) {
            boolean levelChange = pending.level != null && pending.level != connectionLevel;
            int sizeBytes = pending.sizeBytes + (levelChange ? pending.level.commandSizeBytes() : 0);
            if (batch != null && batch.readableBytes() + sizeBytes > ClientLimits.WRITE_BATCH_SIZE_BYTES_MAX) {
                channel.write(batch, channel.voidPromise());
                batch = null;
            }
            if (batch == null) {
                batch = channel.alloc().ioBuffer(Math.max(sizeBytes, ClientLimits.WRITE_BUFFER_SIZE_BYTES_INITIAL));
            }
            if (levelChange) setLevel(pending, batch, now);
            Resp.encode(pending.args, batch);
            pending.sent = true;
            pending.sentNanos = now;
            inFlight.add(pending);
        }
        if (batch != null) channel.writeAndFlush(batch, channel.voidPromise());
    }

    /**
     * Writes {@code CONSISTENCY <level>} ahead of {@code next}: the server runs a connection's
     * requests in order, so {@code next} and the requests after it that need the same level run
     * at that level, until the next level change.
     */
    private void setLevel(Pending next, ByteBuf batch, long now) {
        Consistency level = next.level;
        level.writeCommand(batch);
        Pending setter = new Pending(LEVEL_ARGS, null, next.deadlineNanos, 0, new Pending.Listener() {
            @Override
            public void onReply(Pending p, Object reply) {
                if ("OK".equals(reply)) serverLevel = level;
                else onLevelRefused(level, reply);
            }

            @Override
            public void onFailure(Pending p, KvException error, boolean maybeSent) {
                // The connection is gone; the requests after it fail by themselves.
            }
        });
        setter.sent = true;
        setter.sentNanos = now;
        inFlight.add(setter);
        connectionLevel = level;
    }

    /**
     * The server refused {@code CONSISTENCY level} (a server without per-connection levels?) and
     * kept its level: the requests written after it up to the next level change ran at
     * {@link #serverLevel}, so those that needed another level fail with the server's answer.
     * Called while the setter is being taken off {@code inFlight}, so its successors are at the
     * head.
     */
    private void onLevelRefused(Consistency level, Object reply) {
        RespError error = new RespError("ERR CONSISTENCY " + level + " answered " + Resp.show(reply)
                + " from " + address + "; the request ran at level " + serverLevel + " instead: use"
                + " Consistency." + serverLevel + " with this server");
        boolean laterLevelChange = false;
        for (Pending pending : inFlight) {
            if (pending.args == LEVEL_ARGS) {
                laterLevelChange = true;
                break;
            }
            if (pending.level != null && pending.level != serverLevel) pending.reply(error);
        }
        if (!laterLevelChange) connectionLevel = serverLevel;
    }

    private void failQueued(KvException error) {
        Pending pending;
        while ((pending = outbound.poll()) != null) complete(pending, null, error);
    }

    private void complete(Pending pending, Object reply, KvException error) {
        if (pending.permitted) {
            countPermits.release();
            bytesPermits.release(pending.sizeBytes);
        }
        if (error != null) pending.fail(error); else pending.reply(reply);
    }

    /**
     * On the event loop: requests past their call deadline fail with a timeout (their slot stays
     * in order, the late reply is dropped); a connection silent for the reply timeout while a
     * request is outstanding is closed: the server answers every request within its request
     * timeout, so silence means a hung node or a lost network path. Silence is measured from
     * the later of the oldest request's write and the last reply: in a deep pipeline the oldest
     * request has waited behind all those answered before it, which is progress, not a hang.
     */
    private void sweepDeadlines() {
        if (inFlight.isEmpty()) return;
        long now = System.nanoTime();
        Pending oldest = inFlight.peek();
        long silentSince = now - oldest.sentNanos < now - lastReplyNanos ? oldest.sentNanos : lastReplyNanos;
        if (now - silentSince > replyTimeoutNanos) {
            closeWith("no reply from " + address + " within " + replyTimeoutNanos / 1_000_000 + " ms");
            return;
        }
        for (Pending pending : inFlight) {
            if (!pending.done && now - pending.deadlineNanos > 0) {
                pending.fail(new KvTimeoutException("no reply from " + address + " before the deadline"));
            }
        }
    }

    private KvException closeCause;

    private void closeWith(String reason) {
        closeCause = new ConnectionException(reason);
        channel.close();
    }

    void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) ch.close();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object reply) {
            lastReplyNanos = System.nanoTime();
            Pending pending = inFlight.poll();
            if (pending == null) {
                closeWith("reply " + Resp.show(reply) + " from " + address + " without a request");
                return;
            }
            // Calls only (internal requests and level changes carry no level).
            if (node != null && pending.level != null && !(reply instanceof RespError)) {
                node.answeredCount.increment();
            }
            complete(pending, reply, null);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            if (sweep != null) sweep.cancel(false);
            KvException error = closeCause != null ? closeCause
                    : new ConnectionException("connection to " + address + " lost");
            Pending pending;
            while ((pending = inFlight.poll()) != null) complete(pending, null, error);
            failQueued(error);
            if (!ready.isDone()) ready.completeExceptionally(error);
            onClosed.accept(RespConnection.this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Decoder errors (bad RESP) and socket errors: close; every request fails typed.
            Throwable root = cause.getCause() instanceof ProtocolException ? cause.getCause() : cause;
            if (root instanceof ProtocolException malformed) {
                // Replies come in order and the decoder hands on every reply it decoded before
                // the bad bytes, so the oldest request in flight is the one answered malformed:
                // it fails with the ProtocolException (Call does not retry that: the same
                // request would get the same answer). Those behind it only lost the connection.
                Pending answered = inFlight.poll();
                if (answered != null) complete(answered, null, malformed);
                closeCause = new ConnectionException("connection to " + address + " closed: an"
                        + " earlier reply on it was malformed (" + malformed.getMessage() + ")");
            } else {
                closeCause = root instanceof KvException kv ? kv
                        : new ConnectionException("connection to " + address + " failed: " + root, root);
            }
            ctx.close();
        }
    }
}
