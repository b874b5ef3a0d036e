package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kv.server.Limits;
import kv.server.TestPorts;
import kv.server.transport.Frame;
import kv.server.transport.PeerAddress;
import kv.server.transport.TransportMetrics;
import kv.server.transport.netty.NettyPeerTransport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A peer link across a partition that drops packets (SYNs vanish; nothing is refused): the
 * link dials again every backoff while earlier attempts still wait for their handshake, up to
 * {@link Limits#PEER_DIALS_PENDING_COUNT_MAX} at once, so a heal is used by the next fresh attempt
 * instead of after the connect timeout; once healed exactly one connection is the link (the
 * later attempts close) and frames flow.
 */
class PeerRedialIT {
    private static final long WAIT_MILLIS = 10_000;

    private static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    @Test
    void dialsOverlapWhileSynsAreDroppedAndOneLinkRemainsAfterTheHeal() throws Exception {
        Assumptions.assumeTrue(Firewall.available(),
                "iptables is missing or not permitted: run scripts/test.sh as root, which installs it");
        PeerAddress a = new PeerAddress(1, "127.0.0.11", TestPorts.free());
        PeerAddress b = new PeerAddress(2, "127.0.0.12", TestPorts.free());
        LinkedBlockingQueue<Frame> atB = new LinkedBlockingQueue<>();
        try (Firewall firewall = new Firewall()) {
            firewall.isolate("127.0.0.11", List.of("127.0.0.12"));
            try (NettyPeerTransport tb = new NettyPeerTransport(b, List.of(a, b), atB::add,
                         TransportMetrics.NONE, 0);
                 NettyPeerTransport ta = new NettyPeerTransport(a, List.of(a, b), f -> {},
                         TransportMetrics.NONE, 0)) {
                // Overlap (one attempt at a time before): at least two pending at some moment,
                // never more than the bound.
                assertThat(waitUntil(() -> ta.dialsPending(2) >= 2))
                        .as("attempts pending at once while SYNs are dropped").isTrue();
                assertThat(ta.dialsPending(2))
                        .isLessThanOrEqualTo(Limits.PEER_DIALS_PENDING_COUNT_MAX);
                assertThat(ta.connectedTo(2)).isFalse();
                firewall.heal();
                assertThat(waitUntil(() -> ta.connectedTo(2))).as("link up after the heal")
                        .isTrue();
                assertThat(waitUntil(() -> ta.dialsPending(2) == 0)).as("late attempts ended")
                        .isTrue();
                assertThat(ta.linkGeneration(2)).as("one connection is the link").isEqualTo(1);
                assertThat(ta.send(2, 3, "after the heal".getBytes())).isTrue();
                ta.flush();
                Frame frame = atB.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                assertThat(frame).isNotNull();
                assertThat(new String(frame.body())).isEqualTo("after the heal");
            }
        }
    }
}
