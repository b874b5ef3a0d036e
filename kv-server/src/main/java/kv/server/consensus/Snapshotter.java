package kv.server.consensus;

/**
 * Implemented by the state machine, called by the driver (never by the core): take a snapshot
 * after applying slots below {@code slotBelow}, and install one received from a peer. After
 * {@link #take}, the driver stores the snapshot durably and calls
 * {@link Replica#compact(long)} to truncate the log below it.
 */
public interface Snapshotter {
    Snapshot take(long slotBelow, int membersMask);

    void install(Snapshot snapshot);
}
