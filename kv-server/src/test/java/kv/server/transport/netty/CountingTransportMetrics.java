package kv.server.transport.netty;

import java.util.concurrent.atomic.AtomicInteger;
import kv.server.transport.TransportMetrics;

/** Counts corrupt frames, for tests that check a damaged frame is caught. */
final class CountingTransportMetrics implements TransportMetrics {
    final AtomicInteger corruptFrames = new AtomicInteger();

    @Override
    public void onConnected(int peerNodeId, boolean up) {}

    @Override
    public void onDropped(int peerNodeId) {}

    @Override
    public void onCorruptFrame(String reason) {
        corruptFrames.incrementAndGet();
    }

    @Override
    public void onSent(int peerNodeId, int bytes) {}
}
