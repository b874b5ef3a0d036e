package kv.server.log;

import kv.server.command.Command;
import kv.server.eventual.Level;

/**
 * The seam for eventual keyspaces: reads and writes go to the multimaster LWW replica instead of
 * the consensus log, at the level the connection or keyspace chose.
 */
public interface EventualPath extends AutoCloseable {
    /** Executes a data command; {@code callback} runs once, off the event loop. */
    void execute(Command command, Level level, ReplicatedLog.Callback callback);

    @Override
    void close();
}
