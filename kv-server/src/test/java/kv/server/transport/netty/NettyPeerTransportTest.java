package kv.server.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import kv.server.TestPorts;
import kv.server.transport.Frame;
import kv.server.transport.PeerAddress;
import kv.server.transport.TransportMetrics;
import org.junit.jupiter.api.Test;

/**
 * Real sockets on loopback: frames arrive in order from the right sender, a corrupt frame closes
 * the connection without being delivered, a restarted peer is reconnected to, and the emulated
 * latency delays delivery.
 */
class NettyPeerTransportTest {
    private static final long WAIT_SECONDS = 10;

    private static boolean waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void framesArriveInOrderFromTheSender() throws Exception {
        PeerAddress a = new PeerAddress(1, "127.0.0.1", TestPorts.free());
        PeerAddress b = new PeerAddress(2, "127.0.0.1", TestPorts.free());
        LinkedBlockingQueue<Frame> atB = new LinkedBlockingQueue<>();
        try (NettyPeerTransport ta = new NettyPeerTransport(a, List.of(a, b), f -> {}, TransportMetrics.NONE, 0);
             NettyPeerTransport tb = new NettyPeerTransport(b, List.of(a, b), atB::add, TransportMetrics.NONE, 0)) {
            assertThat(waitUntil(() -> ta.connectedTo(2))).isTrue();
            int count = 10_000;
            for (int i = 0; i < count; i++) {
                assertThat(ta.send(2, 3, Integer.toString(i).getBytes())).isTrue();
                if (i % 100 == 99) ta.flush();
            }
            ta.flush();
            for (int i = 0; i < count; i++) {
                Frame frame = atB.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(frame).isNotNull();
                assertThat(frame.fromNodeId()).isEqualTo(1);
                assertThat(new String(frame.body())).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    void corruptFrameIsCountedAndNeverDelivered() throws Exception {
        PeerAddress b = new PeerAddress(2, "127.0.0.1", TestPorts.free());
        LinkedBlockingQueue<Frame> atB = new LinkedBlockingQueue<>();
        CountingTransportMetrics metrics = new CountingTransportMetrics();
        try (NettyPeerTransport tb = new NettyPeerTransport(b, List.of(b), atB::add, metrics, 0);
             Socket socket = new Socket("127.0.0.1", b.port())) {
            byte[] good = FrameDecoderTest.frame(1, 4, "hello".getBytes());
            byte[] bad = good.clone();
            bad[bad.length - 1] ^= 0x20;
            OutputStream out = socket.getOutputStream();
            out.write(good);
            out.write(bad);
            out.flush();
            assertThat(atB.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
            assertThat(waitUntil(() -> metrics.corruptFrames.get() == 1)).isTrue();
            assertThat(atB.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed by the receiver
        }
    }

    @Test
    void reconnectsToARestartedPeer() throws Exception {
        PeerAddress a = new PeerAddress(1, "127.0.0.1", TestPorts.free());
        PeerAddress b = new PeerAddress(2, "127.0.0.1", TestPorts.free());
        LinkedBlockingQueue<Frame> atB = new LinkedBlockingQueue<>();
        try (NettyPeerTransport ta = new NettyPeerTransport(a, List.of(a, b), f -> {}, TransportMetrics.NONE, 0)) {
            NettyPeerTransport tb = new NettyPeerTransport(b, List.of(a, b), atB::add, TransportMetrics.NONE, 0);
            assertThat(waitUntil(() -> ta.connectedTo(2))).isTrue();
            tb.close();
            assertThat(waitUntil(() -> !ta.connectedTo(2))).isTrue();
            assertThat(ta.send(2, 1, new byte[] {1})).isFalse(); // down: dropped, not queued forever
            try (NettyPeerTransport restarted = new NettyPeerTransport(b, List.of(a, b), atB::add,
                    TransportMetrics.NONE, 0)) {
                assertThat(waitUntil(() -> ta.connectedTo(2))).isTrue();
                ta.send(2, 1, new byte[] {42});
                ta.flush();
                assertThat(atB.poll(WAIT_SECONDS, TimeUnit.SECONDS).body()).containsExactly(42);
            }
        }
    }

    @Test
    void emulatedLatencyDelaysDelivery() throws Exception {
        PeerAddress a = new PeerAddress(1, "127.0.0.1", TestPorts.free());
        PeerAddress b = new PeerAddress(2, "127.0.0.1", TestPorts.free());
        LinkedBlockingQueue<Frame> atB = new LinkedBlockingQueue<>();
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(100);
        try (NettyPeerTransport ta = new NettyPeerTransport(a, List.of(a, b), f -> {}, TransportMetrics.NONE, delayNanos);
             NettyPeerTransport tb = new NettyPeerTransport(b, List.of(a, b), atB::add, TransportMetrics.NONE, 0)) {
            assertThat(waitUntil(() -> ta.connectedTo(2))).isTrue();
            long start = System.nanoTime();
            ta.send(2, 1, new byte[] {7});
            ta.flush();
            assertThat(atB.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(delayNanos);
        }
    }
}
