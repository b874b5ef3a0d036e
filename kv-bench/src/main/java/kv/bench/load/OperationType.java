package kv.bench.load;

/** The YCSB core operations; each has its own latency histogram and error count. */
enum OperationType {
    READ,
    UPDATE,
    INSERT,
    SCAN,
    /** Read a record, then update one field of it; its latency covers both requests. */
    READ_MODIFY_WRITE
}
