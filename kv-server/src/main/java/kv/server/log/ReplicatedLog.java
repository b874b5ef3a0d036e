package kv.server.log;

import kv.server.command.Command;
import kv.server.command.Reply;

/**
 * The write seam: a mutating command is proposed, made durable by the log (a local fsync today,
 * a Multi-Paxos majority later), applied by the deterministic state machine, and answered. The
 * command layer never knows which log is behind this interface.
 */
public interface ReplicatedLog extends AutoCloseable {
    /**
     * Proposes {@code command}; {@code callback} runs exactly once, on a log thread, with the
     * reply the state machine computed, or with an error (-BUSY, -CLUSTERDOWN, -UNKNOWN).
     */
    void propose(Command command, Callback callback);

    /** The highest slot whose effects every later read on this node observes. */
    long appliedSlot();

    @Override
    void close();

    /** Receives one reply; called from the log's thread, so it must only hand off. */
    interface Callback {
        void onReply(Reply reply);
    }
}
