package kv.server.transport;

/** What the transport reports; the metrics package binds it. */
public interface TransportMetrics {
    void onConnected(int peerNodeId, boolean up);

    void onDropped(int peerNodeId);

    void onCorruptFrame(String reason);

    void onSent(int peerNodeId, int bytes);

    TransportMetrics NONE = new TransportMetrics() {
        @Override
        public void onConnected(int peerNodeId, boolean up) {}

        @Override
        public void onDropped(int peerNodeId) {}

        @Override
        public void onCorruptFrame(String reason) {}

        @Override
        public void onSent(int peerNodeId, int bytes) {}
    };
}
