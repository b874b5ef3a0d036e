package kv.server.storage;

import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;

/** The applied state of every keyspace, with the applied slot written in the same batch. */
public interface StateStore {
    /** Reads the latest state; only the applying thread may rely on seeing its own writes. */
    StateReader live();

    /**
     * Reads the latest state from memory only (memtables and block cache): a read that would
     * touch the disk throws {@link kv.server.statemachine.WouldBlock}. Safe on an event loop.
     */
    StateReader cachedOnly();

    /** A consistent point-in-time view for a batch of reads; close it when done. */
    Snapshot snapshot();

    /** Writes the state changes of {@code slot} and records it as applied, atomically. */
    void write(long slot, StateWrites writes);

    /** The last slot whose writes are in the state (0 before the first). */
    long appliedSlot();

    /**
     * The records of the given keyspaces as one byte array ({@code keylen:4 key vallen:4
     * value}*), taken at one point in time; null if it would exceed {@code sizeBytesMax}.
     * Consensus snapshots cover the strong keyspaces only: eventual keyspaces replicate on
     * their own and must not be touched by a snapshot install.
     */
    byte[] export(int[] keyspaceIndexes, long sizeBytesMax);

    /** Replaces those keyspaces' records with an {@link #export} and records {@code slot}; synced. */
    void replaceAll(int[] keyspaceIndexes, long slot, byte[] exported);

    /** A point-in-time reader that holds native resources until closed. */
    interface Snapshot extends StateReader, AutoCloseable {
        @Override
        void close();
    }
}
