package kv.server.eventual;

import java.util.List;

/**
 * Messages between eventual replicas. Each travels in one peer frame whose type is
 * {@link EventualMessageType#frameType}; {@link EventualCodec} encodes them.
 */
public sealed interface EventualMessage {
    EventualMessageType type();

    /** A key of an eventual keyspace. */
    record KeyRef(int keyspace, byte[] key) {}

    /** A key's value at a version; {@code value.blob() == null} is a tombstone. */
    record Update(int keyspace, byte[] key, Versioned value) {}

    /** A key's version without its value, as anti-entropy lists them. */
    record KeyVersion(int keyspace, byte[] key, Version version, boolean tombstone) {}

    /** Updates for the sender's update log positions {@code [fromSeq, toSeq]}. */
    record Push(long fromSeq, long toSeq, List<Update> updates) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.PUSH;
        }
    }

    record PushAck(long fromSeq, long toSeq) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.PUSH_ACK;
        }
    }

    record Repair(List<Update> updates) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.REPAIR;
        }
    }

    record ReadRequest(long readId, List<KeyRef> keys) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.READ_REQUEST;
        }
    }

    /**
     * The replier's values of the requested keys (an absent key as a tombstone at
     * {@link Version#ZERO}), split over messages when large; {@code last} marks the final one.
     */
    record ReadReply(long readId, boolean last, List<Update> updates) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.READ_REPLY;
        }
    }

    record DigestRequest(long roundId) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.DIGEST_REQUEST;
        }
    }

    record DigestReply(long roundId, long[] digests) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.DIGEST_REPLY;
        }
    }

    /** List bucket {@code bucket} after {@code afterKey} (keyspace byte + key; empty: start). */
    record RangeRequest(long roundId, int bucket, byte[] afterKey) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.RANGE_REQUEST;
        }
    }

    /** {@code complete}: the listing reaches the end of the bucket. */
    record RangeReply(long roundId, int bucket, byte[] afterKey, boolean complete,
                      List<KeyVersion> items) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.RANGE_REPLY;
        }
    }

    record Fetch(List<KeyRef> keys) implements EventualMessage {
        public EventualMessageType type() {
            return EventualMessageType.FETCH;
        }
    }
}
