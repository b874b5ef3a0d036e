package kv.server.log;

import java.util.List;
import kv.server.command.Command;
import kv.server.command.Reply;

/**
 * The read seam: read-only commands are served here, locally on a single node today; under
 * quorum leases a holder serves locally and others confirm through the leader.
 */
public interface ReadPath extends AutoCloseable {
    /**
     * Serves {@code commands} against one consistent view that includes every write acknowledged
     * before the call; {@code callback} runs once, off the event loop, with replies in order.
     */
    void read(List<Command> commands, Callback callback);

    /**
     * Answers {@code command} at once if that needs no blocking work (a point read whose data is
     * in memory), else returns null and the caller uses {@link #read}. Called on an event loop.
     */
    default Reply tryReadNow(Command command) {
        return null;
    }

    @Override
    void close();

    interface Callback {
        void onReplies(List<Reply> replies);
    }
}
