package kv.server.transport;

/**
 * Messages to and from the other replicas. Sending never blocks: a frame that does not fit the
 * peer's bounded queue, or whose peer is unreachable, is dropped and counted — consensus
 * tolerates loss and retransmits. Frames from one peer arrive in the order it sent them.
 */
public interface PeerTransport extends AutoCloseable {
    /** Queues a frame for {@code peerNodeId}; false if it was dropped. Thread-safe. */
    boolean send(int peerNodeId, int type, byte[] body);

    /** Writes out what was queued since the last flush, one syscall per peer where possible. */
    void flush();

    /** True while a link to {@code peerNodeId} is up (frames sent now may arrive). */
    default boolean connectedTo(int peerNodeId) {
        return true;
    }

    /**
     * How many times the link to {@code peerNodeId} was established (0: never). When it changes,
     * frames sent on the previous link may be lost: a sender that tracks delivery resends then.
     */
    default long linkGeneration(int peerNodeId) {
        return 0;
    }

    @Override
    void close();

    /** Receives frames; called on transport threads, so it must only hand off (e.g. enqueue). */
    interface Receiver {
        void onFrame(Frame frame);
    }
}
