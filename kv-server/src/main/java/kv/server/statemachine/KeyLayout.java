package kv.server.statemachine;

/**
 * How Redis values map onto the ordered state column. Every key starts with the keyspace index
 * byte, then a record tag:
 * <pre>
 *   [ks] 0x00 name                   keyspace counters (key count, last delete position)
 *   [ks] 0x01 key                    meta: type:1 version:8 payload (string bytes or count:8)
 *   [ks] 0x02 keylen:4 key field     hash field -> value
 *   [ks] 0x03 keylen:4 key member    sorted-set member -> score:8 (IEEE bits)
 *   [ks] 0x04 keylen:4 key score:8 member   sorted-set score order (score sortable) -> empty
 *   [ks] 0x05 hash:8 key             SCAN order: stateless numeric cursors -> empty
 * </pre>
 * Sub-keys carry the key length so that one key's fields never interleave with another's.
 */
public final class KeyLayout {
    static final byte TAG_KEYSPACE = 0x00;
    static final byte TAG_META = 0x01;
    static final byte TAG_HASH_FIELD = 0x02;
    static final byte TAG_ZSET_MEMBER = 0x03;
    static final byte TAG_ZSET_SCORE = 0x04;
    static final byte TAG_SCAN_ORDER = 0x05;

    static final byte TYPE_STRING = 's';
    static final byte TYPE_HASH = 'h';
    static final byte TYPE_ZSET = 'z';
    /** type:1 version:8 */
    static final int META_HEADER_BYTES = 9;

    /** The first reserved prefix above the keyspaces: the session records' (SessionRecords). */
    static final int RESERVED_PREFIX_FIRST = SessionRecords.PREFIXES[0];

    private KeyLayout() {}

    /**
     * The records commands read by key on nearly every call: a key's meta record, the keyspace
     * counters and the exactly-once session records (what the strong keyspaces' record cache
     * keeps). Hash and sorted-set element records are not: they are mostly scanned, and a
     * deleted or overwritten hash's elements go by range delete.
     */
    static boolean isPointReadRecord(byte[] stateKey) {
        if (stateKey.length < 2) return false;
        if ((stateKey[0] & 0xff) >= RESERVED_PREFIX_FIRST) return true;
        return stateKey[1] == TAG_META || stateKey[1] == TAG_KEYSPACE;
    }

    /**
     * False when {@code [from, toExclusive)} lies inside one keyspace's element records of one
     * tag (a hash's fields, a sorted set's members or scores), which hold no
     * {@link #isPointReadRecord point-read record}; true otherwise (FLUSHDB's whole keyspace).
     */
    static boolean rangeMayHoldPointReadRecords(byte[] from, byte[] toExclusive) {
        boolean withinOneTag = from.length >= 2 && toExclusive.length >= 2
                && from[0] == toExclusive[0] && from[1] == toExclusive[1];
        return !withinOneTag || (from[0] & 0xff) >= RESERVED_PREFIX_FIRST
                || from[1] == TAG_META || from[1] == TAG_KEYSPACE;
    }

    static byte[] meta(int keyspace, byte[] key) {
        byte[] out = new byte[2 + key.length];
        out[0] = (byte) keyspace;
        out[1] = TAG_META;
        System.arraycopy(key, 0, out, 2, key.length);
        return out;
    }

    static byte[] tagPrefix(int keyspace, byte tag) {
        return new byte[] {(byte) keyspace, tag};
    }

    /** Keys of a meta record start after [ks][tag]. */
    static byte[] userKeyOfMeta(byte[] metaKey) {
        byte[] key = new byte[metaKey.length - 2];
        System.arraycopy(metaKey, 2, key, 0, key.length);
        return key;
    }

    static byte[] keyspaceCounter(int keyspace, String name) {
        byte[] nameBytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[2 + nameBytes.length];
        out[0] = (byte) keyspace;
        out[1] = TAG_KEYSPACE;
        System.arraycopy(nameBytes, 0, out, 2, nameBytes.length);
        return out;
    }

    /** [ks] tag keylen:4 key: the prefix of every sub-key of {@code key} under {@code tag}. */
    static byte[] subPrefix(int keyspace, byte tag, byte[] key) {
        byte[] out = new byte[6 + key.length];
        out[0] = (byte) keyspace;
        out[1] = tag;
        out[2] = (byte) (key.length >>> 24);
        out[3] = (byte) (key.length >>> 16);
        out[4] = (byte) (key.length >>> 8);
        out[5] = (byte) key.length;
        System.arraycopy(key, 0, out, 6, key.length);
        return out;
    }

    static byte[] concat(byte[] prefix, byte[] suffix) {
        byte[] out = new byte[prefix.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(suffix, 0, out, prefix.length, suffix.length);
        return out;
    }

    static byte[] suffix(byte[] full, int prefixLength) {
        byte[] out = new byte[full.length - prefixLength];
        System.arraycopy(full, prefixLength, out, 0, out.length);
        return out;
    }

    static byte[] scoreEntry(byte[] scorePrefix, double score, byte[] member) {
        byte[] out = new byte[scorePrefix.length + 8 + member.length];
        System.arraycopy(scorePrefix, 0, out, 0, scorePrefix.length);
        Bytes.putLong(out, scorePrefix.length, sortableScore(score));
        System.arraycopy(member, 0, out, scorePrefix.length + 8, member.length);
        return out;
    }

    /** IEEE bits mapped so that unsigned byte order equals numeric order. */
    static long sortableScore(double score) {
        long bits = Double.doubleToLongBits(score == 0.0 ? 0.0 : score); // -0.0 sorts as 0.0
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    static double scoreFromSortable(long sortable) {
        long bits = sortable < 0 ? sortable ^ Long.MIN_VALUE : ~sortable;
        return Double.longBitsToDouble(bits);
    }

    static byte[] scanOrder(int keyspace, byte[] key) {
        return scanOrder(keyspace, scanHash(key), key);
    }

    /** [ks] 0x05 hash:8 key; with an empty key, where the records of that hash start. */
    static byte[] scanOrder(int keyspace, long hash, byte[] key) {
        byte[] out = new byte[10 + key.length];
        out[0] = (byte) keyspace;
        out[1] = TAG_SCAN_ORDER;
        Bytes.putLong(out, 2, hash);
        System.arraycopy(key, 0, out, 10, key.length);
        return out;
    }

    /** A fixed 64-bit hash (FNV-1a, then a murmur3 finalizer): SCAN cursors must not change. */
    static long scanHash(byte[] key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return Bytes.mix64(hash);
    }
}
