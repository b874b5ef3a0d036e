package kv.server.statemachine;

/**
 * Read access to the state column: point gets and ordered range scans over unsigned byte order.
 * Implemented over a RocksDB snapshot in production and a sorted map in tests.
 */
public interface StateReader {
    /** The value stored at {@code key}, or null. */
    byte[] get(byte[] key);

    /** A cursor over keys in {@code [from, toExclusive)}, ascending; the caller closes it. */
    StateCursor scan(byte[] from, byte[] toExclusive);
}
