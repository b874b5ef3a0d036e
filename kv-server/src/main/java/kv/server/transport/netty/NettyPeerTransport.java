package kv.server.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import kv.server.Limits;
import kv.server.transport.Frame;
import kv.server.transport.PeerAddress;
import kv.server.transport.PeerTransport;
import kv.server.transport.TransportMetrics;

/**
 * Peer transport on Netty (outgoing links on epoll where available): one outgoing connection per ordered pair of
 * peers (this node dials each peer; peers dial us for their traffic), length-prefixed CRC32C
 * frames, coalesced flushes, bounded queues, reconnect with backoff, and a TCP user timeout that
 * turns a silently cut link into a redial. An optional fixed delay emulates network latency (tc
 * netem is not available on the test machines).
 */
public final class NettyPeerTransport implements PeerTransport {
    /** Accepted (inbound) connections: NIO, as before epoll was used here (see below). */
    private final EventLoopGroup group;
    /** Outgoing links: epoll where available, for the TCP user timeout; else {@link #group}. */
    private final EventLoopGroup clientGroup;
    private final Channel serverChannel;
    private final PeerLink[] links;
    /** Connections peers opened to us; closed explicitly so that peers notice at once. */
    private final ChannelGroup accepted;

    public NettyPeerTransport(PeerAddress self, List<PeerAddress> peers, Receiver receiver,
                              TransportMetrics metrics, long delayNanos) throws InterruptedException {
        // Inbound stays on NIO: with epoll, closing a connection after a corrupt frame sometimes
        // reset it instead of ending it (NettyPeerTransportTest, 4 runs in 8), and only the
        // outgoing side needs an epoll-only option.
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        clientGroup = epoll ? new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory())
                : group;
        accepted = new DefaultChannelGroup(group.next());
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(new FrameDecoder(metrics))
                                .addLast(new SimpleChannelInboundHandler<Frame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                                        receiver.onFrame(frame);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                })
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
                        Limits.PEER_INBOUND_IDLE_SECONDS_MAX)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), 1)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), 3);
        serverChannel = server.bind(new InetSocketAddress(self.host(), self.port())).sync().channel();
        Bootstrap client = new Bootstrap()
                .group(clientGroup)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Limits.PEER_CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Outgoing connections only write; anything read back is ignored. An
                        // error (a cut link timing out) closes it; PeerLink redials.
                        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        // A silently cut link is noticed and redialed (see the limit); NIO cannot set it.
        if (epoll) {
            client.option(EpollChannelOption.TCP_USER_TIMEOUT,
                    Limits.PEER_UNACKNOWLEDGED_MILLIS_MAX);
        }
        int maxId = 0;
        for (PeerAddress peer : peers) maxId = Math.max(maxId, peer.nodeId());
        links = new PeerLink[maxId + 1];
        List<PeerLink> created = new ArrayList<>();
        for (PeerAddress peer : peers) {
            if (peer.nodeId() == self.nodeId()) continue;
            links[peer.nodeId()] = new PeerLink(peer, self.host(), self.nodeId(), client, metrics, delayNanos);
            created.add(links[peer.nodeId()]);
        }
        for (PeerLink link : created) link.connect();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public boolean connectedTo(int peerNodeId) {
        return peerNodeId < links.length && links[peerNodeId] != null && links[peerNodeId].connected();
    }

    /** Connection attempts to the peer whose handshake has not ended (diagnostics, tests). */
    public int dialsPending(int peerNodeId) {
        PeerLink link = peerNodeId < links.length ? links[peerNodeId] : null;
        return link == null ? 0 : link.dialsPending();
    }

    @Override
    public long linkGeneration(int peerNodeId) {
        PeerLink link = peerNodeId < links.length ? links[peerNodeId] : null;
        return link == null ? 0 : link.generation();
    }

    @Override
    public boolean send(int peerNodeId, int type, byte[] body) {
        PeerLink link = peerNodeId < links.length ? links[peerNodeId] : null;
        return link != null && link.offer(type, body);
    }

    @Override
    public void flush() {
        for (PeerLink link : links) {
            if (link != null) link.scheduleDrain();
        }
    }

    @Override
    public void close() {
        for (PeerLink link : links) {
            if (link != null) link.close();
        }
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        accepted.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (clientGroup != group) {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
