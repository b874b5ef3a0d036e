package kv.server.eventual;

import kv.server.Limits;
import kv.server.statemachine.Bytes;

/**
 * Keys of the eventual metadata column family. The keys' values themselves live in the state
 * column family in the ordinary layout (KeyLayout), so reads reuse the Redis command code.
 * <pre>
 *   0x01 'h'                              greatest HLC timestamp issued or observed -> ts:8
 *   0x01 's'                              last update log position assigned -> seq:8
 *   0x02 peer:1                           peer's acknowledged update log position -> seq:8
 *   0x03 seq:8                            update log entry -> keyspace:1 ts:8 node:1 key
 *   0x04 bucket:2 keyspace:1 key          key version -> ts:8 node:1 kind:1
 *   0x05 ts:8 node:1 keyspace:1 key       tombstone index in version order (for GC) -> empty
 * </pre>
 * Version records are grouped by digest bucket so anti-entropy lists a bucket with one scan.
 * Their kind is {@link #KIND_TOMBSTONE}, the live value's type byte (so a merge that replaces a
 * value need not read the old meta record), or {@link #KIND_LIVE_UNTYPED} (written before types
 * were recorded: read the meta record).
 */
final class EventualLayout {
    static final byte TAG_NODE = 0x01;
    static final byte TAG_PEER_ACKED = 0x02;
    static final byte TAG_LOG = 0x03;
    static final byte TAG_VERSION = 0x04;
    static final byte TAG_TOMBSTONE = 0x05;

    static final byte[] NODE_HLC = {TAG_NODE, 'h'};
    static final byte[] NODE_SEQ = {TAG_NODE, 's'};
    /** ts:8 node:1 kind:1 */
    static final int VERSION_RECORD_BYTES = 10;
    static final byte KIND_LIVE_UNTYPED = 0;
    static final byte KIND_TOMBSTONE = 1;

    private EventualLayout() {}

    static byte[] peerAcked(int peerNodeIndex) {
        return new byte[] {TAG_PEER_ACKED, (byte) peerNodeIndex};
    }

    static byte[] log(long seq) {
        byte[] out = new byte[9];
        out[0] = TAG_LOG;
        Bytes.putLong(out, 1, seq);
        return out;
    }

    static long seqOfLog(byte[] logKey) {
        return Bytes.getLong(logKey, 1);
    }

    static byte[] logValue(int keyspace, byte[] key, Version version) {
        byte[] out = new byte[10 + key.length];
        out[0] = (byte) keyspace;
        Bytes.putLong(out, 1, version.timestamp());
        out[9] = (byte) version.nodeIndex();
        System.arraycopy(key, 0, out, 10, key.length);
        return out;
    }

    /** keyspace:1 key, the order keys take inside a bucket and on the wire in range listings. */
    static byte[] compound(int keyspace, byte[] key) {
        byte[] out = new byte[1 + key.length];
        out[0] = (byte) keyspace;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    static byte[] bucketPrefix(int bucket) {
        return new byte[] {TAG_VERSION, (byte) (bucket >>> 8), (byte) bucket};
    }

    static byte[] version(int keyspace, byte[] key) {
        int bucket = bucketOf(keyspace, key);
        byte[] out = new byte[4 + key.length];
        out[0] = TAG_VERSION;
        out[1] = (byte) (bucket >>> 8);
        out[2] = (byte) bucket;
        out[3] = (byte) keyspace;
        System.arraycopy(key, 0, out, 4, key.length);
        return out;
    }

    static byte[] versionValue(Version version, byte kind) {
        byte[] out = new byte[VERSION_RECORD_BYTES];
        Bytes.putLong(out, 0, version.timestamp());
        out[8] = (byte) version.nodeIndex();
        out[9] = kind;
        return out;
    }

    static byte[] tombstone(Version version, int keyspace, byte[] key) {
        byte[] out = new byte[11 + key.length];
        out[0] = TAG_TOMBSTONE;
        Bytes.putLong(out, 1, version.timestamp());
        out[9] = (byte) version.nodeIndex();
        out[10] = (byte) keyspace;
        System.arraycopy(key, 0, out, 11, key.length);
        return out;
    }

    /** The digest bucket of a key: a fixed hash, equal on every node and across versions. */
    static int bucketOf(int keyspace, byte[] key) {
        long hash = kv.server.statemachine.Bytes.mix64(fnv(keyspace, key));
        return (int) ((hash >>> 1) % Limits.EVENTUAL_DIGEST_BUCKETS_COUNT);
    }

    /** The contribution of one live key at one version to its bucket digest (XOR-combined). */
    static long entryDigest(int keyspace, byte[] key, Version version) {
        long hash = fnv(keyspace, key);
        hash = kv.server.statemachine.Bytes.mix64(hash ^ version.timestamp());
        return kv.server.statemachine.Bytes.mix64(hash ^ version.nodeIndex() ^ 0x9e3779b97f4a7c15L);
    }

    private static long fnv(int keyspace, byte[] key) {
        long hash = 0xcbf29ce484222325L;
        hash = (hash ^ keyspace) * 0x100000001b3L;
        for (byte b : key) hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        return hash;
    }

}
