package kv.bench.load;

/**
 * The YCSB database operations with the semantics of YCSB's Redis binding. Used by one
 * thread only. Failures throw (any RuntimeException); the driver counts them as errors of the
 * operation, never as successes.
 */
interface TargetConnection extends AutoCloseable {
    /**
     * Reads a record, all fields when fields is null. Returns false when the record is absent
     * (counted as an error, as YCSB's binding does for an empty hash).
     */
    boolean read(String key, byte[][] fields);

    /** Writes the given fields of an existing record. */
    void update(String key, byte[][] fields, byte[][] values);

    /** Writes a new record and adds its key to the scan index. */
    void insert(String key, byte[][] fields, byte[][] values);

    /** Reads up to count records from startKey in index order; returns how many were read. */
    int scan(String startKey, int count, byte[][] fields);

    @Override
    void close();
}
