package kv.server.statemachine;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A sorted in-memory state: for tests, the simulator and benchmarks without RocksDB. */
public final class MemoryState implements StateReader {
    private final NavigableMap<byte[], byte[]> entries = new TreeMap<>(Bytes.ORDER);

    public void write(StateWrites writes) {
        for (StateWrites.Op op : writes.ops()) {
            if (op.rangeEnd() != null) {
                entries.subMap(op.key(), true, op.rangeEnd(), false).clear();
            } else if (op.value() == null) {
                entries.remove(op.key());
            } else {
                entries.put(op.key(), op.value());
            }
        }
    }

    public int size() {
        return entries.size();
    }

    @Override
    public byte[] get(byte[] key) {
        return entries.get(key);
    }

    @Override
    public StateCursor scan(byte[] from, byte[] toExclusive) {
        Iterator<Map.Entry<byte[], byte[]>> iterator = (toExclusive == null
                ? entries.tailMap(from, true) : entries.subMap(from, true, toExclusive, false))
                .entrySet().iterator();
        return new StateCursor() {
            private Map.Entry<byte[], byte[]> current = iterator.hasNext() ? iterator.next() : null;

            @Override
            public boolean valid() {
                return current != null;
            }

            @Override
            public byte[] key() {
                return current.getKey();
            }

            @Override
            public byte[] value() {
                return current.getValue();
            }

            @Override
            public void next() {
                current = iterator.hasNext() ? iterator.next() : null;
            }

            @Override
            public void close() {}
        };
    }
}
