package kv.server.eventual;

import java.util.List;
import kv.server.command.Reply;
import kv.server.statemachine.StateWrites;

/**
 * Work the driver must do, in this order, then call {@link EventualReplica#advance()}:
 * <ol>
 *   <li>persist {@link #stateWrites()} (state column family) and {@link #metadataWrites()}
 *       (eventual column family) in one atomic write batch, synced if {@link #mustSync()} (and
 *       if the batch is empty but earlier unsynced batches exist, sync those);
 *   <li>send {@link #messagesToSend()}: acknowledgements promise durability, so only after 1;
 *   <li>answer {@link #repliesToSend()}: a write is acknowledged only once durable, so only
 *       after 1.
 * </ol>
 * Until advance, the replica takes no input.
 *
 * <p>{@code mustSync}: this turn acknowledges something as durable, a client write of this node
 * or a push merged (its ack promises durability). Other turns (per-peer progress, the clock,
 * repairs and merges copied from replicas that hold them, tombstone collection) may stay
 * unsynced: losing them in a crash is repaired by a re-push or anti-entropy, and the next synced
 * write syncs them too (one write-ahead log, synced in order).
 */
public record EventualReady(StateWrites stateWrites, StateWrites metadataWrites,
                            List<OutboundMessage> messagesToSend,
                            List<ReplyToSend> repliesToSend, boolean mustSync) {

    /** A peer frame: the transport's {@code send(toNodeIndex, frameType, body)}. */
    public record OutboundMessage(int toNodeIndex, int frameType, byte[] body) {}

    /** The reply to the request the caller numbered {@code requestId}. */
    public record ReplyToSend(long requestId, Reply reply) {}

    public boolean mustPersist() {
        return !stateWrites.isEmpty() || !metadataWrites.isEmpty();
    }

    public boolean isEmpty() {
        return !mustPersist() && messagesToSend.isEmpty() && repliesToSend.isEmpty();
    }
}
