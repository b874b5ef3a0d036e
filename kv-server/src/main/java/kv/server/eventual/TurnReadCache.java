package kv.server.eventual;

import java.util.TreeMap;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;

/**
 * Remembers the point reads of one turn over a store that does not change during the turn (the
 * driver writes only between turns). A write reads its key's meta and version records several
 * times (the command, the change check, the merge, the install), and each store read costs a
 * JNI call and a memtable search; this answers the repeats from memory. Scans pass through.
 * A new cache starts with every turn, so it holds at most what one turn's inputs read.
 */
final class TurnReadCache implements StateReader {
    /** Marks a key read as absent (compared by identity; a stored empty value is another array). */
    private static final byte[] ABSENT = new byte[0];

    private final StateReader base;
    private final TreeMap<byte[], byte[]> reads = new TreeMap<>(Bytes.ORDER);

    TurnReadCache(StateReader base) {
        this.base = base;
    }

    @Override
    public byte[] get(byte[] key) {
        byte[] cached = reads.get(key);
        if (cached != null) return cached == ABSENT ? null : cached;
        byte[] value = base.get(key);
        reads.put(key, value == null ? ABSENT : value);
        return value;
    }

    @Override
    public StateCursor scan(byte[] from, byte[] toExclusive) {
        return base.scan(from, toExclusive);
    }
}
