package kv.server.storage;

/**
 * The durable log: one record per slot, checksummed. {@link #append} with {@code sync} returns
 * only after the records are on disk (fsync); a write failure halts the node.
 */
public interface LogStore {
    /** Appends (or overwrites) the records of consecutive slots in one atomic write. */
    void append(long firstSlot, java.util.List<byte[]> records, boolean sync);

    /** The record at {@code slot}, or null; a checksum mismatch halts the node. */
    byte[] read(long slot);

    /** Highest slot stored, or 0 if the log is empty. */
    long lastSlot();

    /** Drops every record below {@code slot} (they are covered by the applied state). */
    void truncateBefore(long slot);
}
