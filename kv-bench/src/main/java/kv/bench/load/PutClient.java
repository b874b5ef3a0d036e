package kv.bench.load;

/**
 * One worker's connection to one node of the system under test. {@link #put} returns only
 * once the system acknowledged the write; any failure (refusal, timeout, lost connection)
 * throws and the driver counts it as an error, never as a success or a latency.
 */
interface PutClient extends AutoCloseable {
    void put(byte[] key, byte[] value) throws Exception;

    /**
     * Reads {@code key} the system's strongest way unless {@code serializable} (etcd's local,
     * possibly stale read); a missing key is a success.
     */
    void get(byte[] key, boolean serializable) throws Exception;

    @Override
    void close();
}
