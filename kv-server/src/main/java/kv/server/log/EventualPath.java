package kv.server.log;

import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.eventual.Level;

/**
 * The seam for eventual keyspaces: reads and writes go to the multimaster LWW replica instead of
 * the consensus log, at the level the connection or keyspace chose.
 */
public interface EventualPath extends AutoCloseable {
    /** Executes a data command; {@code callback} runs once, off the event loop. */
    void execute(Command command, Level level, ReplicatedLog.Callback callback);

    /**
     * Answers a level-ONE read at once if that needs no blocking work (a point read whose data
     * is in memory), else returns null and the caller uses {@link #execute}. Called on an event
     * loop with nothing of the connection outstanding, so the connection's acknowledged writes
     * are already in the store it reads.
     */
    default Reply tryReadNow(Command command) {
        return null;
    }

    @Override
    void close();
}
