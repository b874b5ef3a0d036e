package kv.server.statemachine;

import java.util.List;

/**
 * The mutations one apply step produced, in order; the storage layer writes them in one atomic
 * batch together with the applied position.
 */
public record StateWrites(List<Op> ops) {

    /** value == null: delete key; rangeEnd != null: delete [key, rangeEnd). */
    public record Op(byte[] key, byte[] value, byte[] rangeEnd) {}

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
