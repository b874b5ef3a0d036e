package kv.server.eventual;

/**
 * Peer frame types of eventual replication. Consensus owns the numbers below 100; these are
 * 100..127, so one transport carries both and the node routes a frame by its type.
 */
public enum EventualMessageType {
    /** A batch of this node's recent updates, from its update log, for a peer. */
    PUSH(100),
    /** The peer durably merged a push batch. */
    PUSH_ACK(101),
    /** Values the receiver should merge (read repair, anti-entropy, fetch answers). No ack. */
    REPAIR(102),
    /** A QUORUM or ALL read asks a peer for its versions and values of some keys. */
    READ_REQUEST(103),
    READ_REPLY(104),
    /** Anti-entropy: ask for the peer's bucket digests. */
    DIGEST_REQUEST(105),
    DIGEST_REPLY(106),
    /** Anti-entropy: ask for the key versions of one bucket after a key. */
    RANGE_REQUEST(107),
    RANGE_REPLY(108),
    /** Anti-entropy: ask the peer to send its values of some keys (as a REPAIR). */
    FETCH(109);

    public static final int FRAME_TYPE_MIN = 100;
    public static final int FRAME_TYPE_MAX = 127;

    public final int frameType;

    EventualMessageType(int frameType) {
        this.frameType = frameType;
    }

    private static final EventualMessageType[] BY_FRAME_TYPE =
            new EventualMessageType[FRAME_TYPE_MAX - FRAME_TYPE_MIN + 1];

    static {
        for (EventualMessageType type : values()) {
            kv.server.Assert.that(type.frameType >= FRAME_TYPE_MIN
                    && type.frameType <= FRAME_TYPE_MAX, "frame type %d out of the eventual range",
                    type.frameType);
            BY_FRAME_TYPE[type.frameType - FRAME_TYPE_MIN] = type;
        }
    }

    /** Whether a peer frame of this type belongs to eventual replication. */
    public static boolean isEventual(int frameType) {
        return frameType >= FRAME_TYPE_MIN && frameType <= FRAME_TYPE_MAX;
    }

    /** The type of a frame, or null when the number is not one of ours. */
    public static EventualMessageType ofFrameType(int frameType) {
        return isEventual(frameType) ? BY_FRAME_TYPE[frameType - FRAME_TYPE_MIN] : null;
    }
}
