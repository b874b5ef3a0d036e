package kv.server.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import kv.server.Limits;
import kv.server.transport.FrameCodec;
import kv.server.transport.PeerAddress;
import kv.server.transport.TransportMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing connection to one peer: a bounded queue of encoded frames, flushed in one write
 * per turn, and redials with exponential backoff and jitter. While the peer is down its frames
 * are dropped (and counted): consensus retransmits what matters.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private final PeerAddress peer;
    private final String selfHost;
    private final int selfNodeId;
    private final Bootstrap bootstrap;
    private final TransportMetrics metrics;
    private final long delayNanos;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** The established connection; null while down. Set by the first dial to succeed. */
    private final AtomicReference<Channel> channel = new AtomicReference<>();
    private volatile boolean closed;
    /** Doubles per dial while down, from min to max; back to min once up. Racy by design. */
    private volatile int backoffMillis = Limits.PEER_RECONNECT_BACKOFF_MILLIS_MIN;
    /** A dial chain runs (one per link, while it is down). */
    private final AtomicBoolean dialing = new AtomicBoolean();
    /** Connection attempts whose handshake has not ended yet. */
    private final AtomicInteger dialsPending = new AtomicInteger();
    /** Connections established so far (see PeerTransport#linkGeneration). */
    private final AtomicLong generation = new AtomicLong();

    PeerLink(PeerAddress peer, String selfHost, int selfNodeId, Bootstrap bootstrap,
             TransportMetrics metrics, long delayNanos) {
        this.peer = peer;
        this.selfHost = selfHost;
        this.selfNodeId = selfNodeId;
        this.bootstrap = bootstrap;
        this.metrics = metrics;
        this.delayNanos = delayNanos;
    }

    /** Starts dialing the peer now; the link redials by itself whenever it goes down. */
    void connect() {
        if (!closed && dialing.compareAndSet(false, true)) dial();
    }

    /**
     * One step of the dial chain while the link is down: an attempt, then the next step after
     * the backoff, whether or not the attempt has ended. During a partition an attempt's SYN is
     * dropped and it waits out the connect timeout; a partition heals unannounced, so waiting
     * for that attempt to fail before the next would leave a healed link unused for up to the
     * connect timeout plus the backoff. At most {@link Limits#PEER_DIALS_PENDING_COUNT_MAX}
     * attempts are pending; the first to connect is the link, later ones close.
     */
    private void dial() {
        if (closed || connected()) {
            dialing.set(false);
            // Down again between the check and clearing the flag: nobody else restarts it.
            if (!closed && !connected() && dialing.compareAndSet(false, true)) scheduleDial();
            return;
        }
        if (dialsPending.get() < Limits.PEER_DIALS_PENDING_COUNT_MAX) attempt();
        scheduleDial();
    }

    private void scheduleDial() {
        int backoff = backoffMillis;
        int delay = backoff / 2 + ThreadLocalRandom.current().nextInt(backoff / 2 + 1);
        backoffMillis = Math.min(backoff * 2, Limits.PEER_RECONNECT_BACKOFF_MILLIS_MAX);
        bootstrap.config().group().next().schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        dialsPending.incrementAndGet();
        // Bind to our own address so that per-address-pair firewall rules (partition tests) match.
        ChannelFuture future = bootstrap.connect(new InetSocketAddress(peer.host(), peer.port()),
                new InetSocketAddress(selfHost, 0));
        future.addListener(done -> {
            dialsPending.decrementAndGet();
            if (!done.isSuccess()) return; // the dial chain tries again
            Channel dialed = future.channel();
            // A self-connection (TCP simultaneous open onto our own ephemeral port), a link
            // closed meanwhile, or another attempt connected first: this one is not the link.
            if (isSelfConnection(dialed) || closed || !channel.compareAndSet(null, dialed)) {
                dialed.close();
                return;
            }
            LOG.info("node={} link to peer {} up (generation {})", selfNodeId, peer.nodeId(),
                    generation.incrementAndGet());
            backoffMillis = Limits.PEER_RECONNECT_BACKOFF_MILLIS_MIN;
            metrics.onConnected(peer.nodeId(), true);
            dialed.closeFuture().addListener(closedFuture -> onDisconnected(dialed));
            if (closed) dialed.close(); // close() may have run before the link was set
            scheduleDrain();
        });
    }

    /**
     * Dialing a loopback port nobody listens on can connect the socket to itself when the kernel
     * picks that same port as the source; such a link would swallow every frame.
     */
    private static boolean isSelfConnection(Channel channel) {
        return channel.localAddress() != null && channel.localAddress().equals(channel.remoteAddress());
    }

    private void onDisconnected(Channel lost) {
        if (!channel.compareAndSet(lost, null)) return;
        LOG.info("node={} link to peer {} down; redialing", selfNodeId, peer.nodeId());
        metrics.onConnected(peer.nodeId(), false);
        dropQueued();
        // After the backoff (min once up): a peer that accepts and at once closes is not
        // dialed in a tight loop.
        if (!closed && dialing.compareAndSet(false, true)) scheduleDial();
    }

    boolean offer(int type, byte[] body) {
        Channel current = channel.get();
        // An inactive channel is down already; its close listener just has not run yet.
        if (current == null || !current.isActive() || closed) {
            metrics.onDropped(peer.nodeId());
            return false;
        }
        int frameBytes = FrameCodec.LENGTH_BYTES + FrameCodec.HEADER_BYTES + body.length;
        if (queuedCount.get() >= Limits.PEER_OUTBOUND_QUEUE_COUNT_MAX
                || queuedBytes.get() + frameBytes > Limits.PEER_OUTBOUND_QUEUE_BYTES_MAX) {
            metrics.onDropped(peer.nodeId());
            return false;
        }
        byte[] frame = new byte[frameBytes];
        encode(frame, type, body);
        queue.add(frame);
        queuedCount.incrementAndGet();
        queuedBytes.addAndGet(frameBytes);
        return true;
    }

    private void encode(byte[] frame, int type, byte[] body) {
        int length = FrameCodec.HEADER_BYTES + body.length;
        int crc = FrameCodec.checksum((byte) FrameCodec.VERSION, (byte) type, (byte) selfNodeId,
                body, 0, body.length);
        putInt(frame, 0, length);
        putInt(frame, 4, crc);
        frame[8] = (byte) FrameCodec.VERSION;
        frame[9] = (byte) type;
        frame[10] = (byte) selfNodeId;
        System.arraycopy(body, 0, frame, 11, body.length);
    }

    private static void putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }

    /** Schedules one drain of the queue on the channel's event loop (coalesced). */
    void scheduleDrain() {
        Channel current = channel.get();
        if (current == null || queue.isEmpty() || !drainScheduled.compareAndSet(false, true)) return;
        if (delayNanos > 0) {
            current.eventLoop().schedule(() -> drain(current), delayNanos, TimeUnit.NANOSECONDS);
        } else {
            current.eventLoop().execute(() -> drain(current));
        }
    }

    private void drain(Channel current) {
        drainScheduled.set(false);
        byte[] frame;
        int bytes = 0;
        while ((frame = queue.poll()) != null) {
            queuedCount.decrementAndGet();
            queuedBytes.addAndGet(-frame.length);
            ByteBuf out = current.alloc().ioBuffer(frame.length).writeBytes(frame);
            current.write(out, current.voidPromise());
            bytes += frame.length;
        }
        current.flush();
        metrics.onSent(peer.nodeId(), bytes);
    }

    private void dropQueued() {
        while (queue.poll() != null) {
            queuedCount.decrementAndGet();
            metrics.onDropped(peer.nodeId());
        }
        queuedBytes.set(0);
    }

    int dialsPending() {
        return dialsPending.get();
    }

    long generation() {
        return generation.get();
    }

    boolean connected() {
        Channel current = channel.get();
        return current != null && current.isActive();
    }

    void close() {
        closed = true;
        Channel current = channel.get();
        if (current != null) current.close();
    }
}
