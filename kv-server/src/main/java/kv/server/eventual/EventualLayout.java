package kv.server.eventual;

import kv.server.Assert;
import kv.server.Limits;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;

/**
 * Keys of the eventual metadata column family. The keys' values themselves live in the state
 * column family in the ordinary layout (KeyLayout), so reads reuse the Redis command code; a live
 * key's meta record is stamped with its whole {@link Version#stamp}, so the value record is the
 * version record too (one record per write, one lookup per merge). Only deleted keys have a
 * version record here: their tombstone.
 * <pre>
 *   0x01 'h'                              greatest HLC timestamp issued or observed -> ts:8
 *   0x01 's'                              last update log position assigned -> seq:8
 *   0x01 'f'                              layout of these records -> {@link #FORMAT}:8
 *   0x01 'k' keyspace:1                   this keyspace holds eventual keys -> empty
 *   0x02 peer:1                           peer's acknowledged update log position -> seq:8
 *   0x03 seq:8                            update log entry -> keyspace:1 ts:8 node:1 key
 *   0x04 bucket:2 keyspace:1 hash:8 key   tombstone -> ts:8 node:1 kind:1 ({@link #KIND_TOMBSTONE})
 *   0x05 ts:8 node:1 keyspace:1 key       tombstone index in version order (for GC) -> empty
 * </pre>
 * A key's digest bucket is the top bits of its scan hash (the hash that orders the state
 * family's scan-order records), so anti-entropy lists a bucket's live keys with one range scan
 * of scan-order records per keyspace and its tombstones with one scan here, both in listing
 * order: keyspace, scan hash, key ({@link #listing}).
 */
final class EventualLayout {
    static final byte TAG_NODE = 0x01;
    static final byte TAG_PEER_ACKED = 0x02;
    static final byte TAG_LOG = 0x03;
    static final byte TAG_VERSION = 0x04;
    static final byte TAG_TOMBSTONE = 0x05;

    static final byte[] NODE_HLC = {TAG_NODE, 'h'};
    static final byte[] NODE_SEQ = {TAG_NODE, 's'};
    static final byte[] NODE_FORMAT = {TAG_NODE, 'f'};
    static final byte NODE_KEYSPACE = 'k';
    /**
     * 2: meta records of eventual keys are stamped with {@link Version#stamp} (timestamp and
     * node) and are their version records; only tombstones have records under
     * {@link #TAG_VERSION}. Data of another layout is refused at start.
     */
    static final long FORMAT = 2;
    /** Digest buckets are the top bits of the scan hash. */
    static final int BUCKET_BITS = Integer.numberOfTrailingZeros(
            Limits.EVENTUAL_DIGEST_BUCKETS_COUNT);

    static {
        Assert.that(Integer.bitCount(Limits.EVENTUAL_DIGEST_BUCKETS_COUNT) == 1,
                "the digest bucket count is a power of two");
    }
    /** ts:8 node:1 kind:1 */
    static final int VERSION_RECORD_BYTES = 10;
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

    /** keyspace:1 key: a key's name in maps and on the wire (a range listing's afterKey). */
    static byte[] compound(int keyspace, byte[] key) {
        byte[] out = new byte[1 + key.length];
        out[0] = (byte) keyspace;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    static byte[] bucketPrefix(int bucket) {
        return new byte[] {TAG_VERSION, (byte) (bucket >>> 8), (byte) bucket};
    }

    /** The tombstone record of a key. */
    static byte[] version(int keyspace, byte[] key) {
        long hash = KeyRecords.scanHash(key);
        int bucket = bucketOfHash(hash);
        byte[] out = new byte[12 + key.length];
        out[0] = TAG_VERSION;
        out[1] = (byte) (bucket >>> 8);
        out[2] = (byte) bucket;
        out[3] = (byte) keyspace;
        Bytes.putLong(out, 4, hash);
        System.arraycopy(key, 0, out, 12, key.length);
        return out;
    }

    /** Where a key stands in a bucket listing: keyspace:1 hash:8 key, compared unsigned. */
    static byte[] listing(int keyspace, byte[] key) {
        byte[] out = new byte[9 + key.length];
        out[0] = (byte) keyspace;
        Bytes.putLong(out, 1, KeyRecords.scanHash(key));
        System.arraycopy(key, 0, out, 9, key.length);
        return out;
    }

    /** {@link #listing} of a compound key (keyspace:1 key). */
    static byte[] listingOfCompound(byte[] compound) {
        return listing(compound[0] & 0xff, java.util.Arrays.copyOfRange(compound, 1,
                compound.length));
    }

    static byte[] keyspaceMarker(int keyspace) {
        return new byte[] {TAG_NODE, NODE_KEYSPACE, (byte) keyspace};
    }

    /** The first scan hash of {@code bucket}. */
    static long bucketFirstHash(int bucket) {
        return (long) bucket << (64 - BUCKET_BITS);
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
        return bucketOfHash(KeyRecords.scanHash(key));
    }

    static int bucketOfHash(long scanHash) {
        return (int) (scanHash >>> (64 - BUCKET_BITS));
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
