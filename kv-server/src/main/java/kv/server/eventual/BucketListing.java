package kv.server.eventual;

import java.util.Arrays;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateReader;

/**
 * The key versions of one digest bucket in listing order (keyspace, scan hash, key; see
 * {@link EventualLayout#listing}), merged from two sources: live keys from the state family's
 * scan-order records (one range per eventual keyspace, in keyspace order; the version read from
 * each key's meta record) and tombstones from the metadata family (one range, already in listing
 * order). A key is never in both: a value and its tombstone replace each other.
 */
final class BucketListing implements AutoCloseable {
    private final StateReader state;
    private final long keyspacesMask;
    private final int bucket;
    private final byte[] after;
    private final StateCursor tombstones;
    private StateCursor live;
    private int liveKeyspace = -1;

    /** {@code afterKey}: compound key (keyspace:1 key) to start after; empty: from the start. */
    BucketListing(StateReader state, StateReader metadata, long keyspacesMask, int bucket,
                  byte[] afterKey) {
        this.state = state;
        this.keyspacesMask = keyspacesMask;
        this.bucket = bucket;
        this.after = afterKey.length == 0 ? null : EventualLayout.listingOfCompound(afterKey);
        byte[] prefix = EventualLayout.bucketPrefix(bucket);
        if (after != null && EventualLayout.bucketOfHash(Bytes.getLong(after, 1)) != bucket) {
            // A peer's afterKey from another bucket (only a malformed request): nothing after it.
            this.tombstones = metadata.scan(prefix, prefix);
            liveKeyspace = Limits.KEYSPACES_COUNT_MAX;
            return;
        }
        this.tombstones = metadata.scan(after == null ? prefix : successor(concat(prefix, after)),
                Bytes.prefixEnd(prefix));
        nextLiveKeyspace();
    }

    /** The next item, or null at the end of the bucket. */
    KeyVersion next() {
        byte[] livePosition = live != null && live.valid() ? livePosition(live.key()) : null;
        byte[] tombstonePosition = tombstones.valid()
                ? Arrays.copyOfRange(tombstones.key(), 3, tombstones.key().length) : null;
        if (livePosition == null && tombstonePosition == null) return null;
        if (tombstonePosition == null || livePosition != null
                && Bytes.ORDER.compare(livePosition, tombstonePosition) < 0) {
            KeyVersion item = liveItem(KeyRecords.keyOfScanOrder(live.key()));
            live.next();
            if (!live.valid()) nextLiveKeyspace();
            return item;
        }
        byte[] raw = tombstones.value();
        Assert.that(raw.length == EventualLayout.VERSION_RECORD_BYTES
                && raw[9] == EventualLayout.KIND_TOMBSTONE, "corrupt tombstone record");
        KeyVersion item = new KeyVersion(tombstonePosition[0] & 0xff,
                Arrays.copyOfRange(tombstonePosition, 9, tombstonePosition.length),
                new Version(Bytes.getLong(raw, 0), raw[8] & 0xff), true);
        tombstones.next();
        return item;
    }

    private KeyVersion liveItem(byte[] key) {
        byte[] meta = KeyRecords.meta(state, liveKeyspace, key);
        Assert.that(meta != null, "scan-order record without a meta record");
        return new KeyVersion(liveKeyspace, key,
                Version.ofStamp(KeyRecords.versionOfMeta(meta)), false);
    }

    /** keyspace:1 hash:8 key of a scan-order record key ([ks] tag hash:8 key). */
    private static byte[] livePosition(byte[] scanOrderKey) {
        byte[] out = new byte[scanOrderKey.length - 1];
        out[0] = scanOrderKey[0];
        System.arraycopy(scanOrderKey, 2, out, 1, out.length - 1);
        return out;
    }

    /** Moves {@link #live} to the next eventual keyspace's run of this bucket with an item. */
    private void nextLiveKeyspace() {
        if (live != null) live.close();
        live = null;
        int afterKeyspace = after == null ? -1 : after[0] & 0xff;
        for (int keyspace = liveKeyspace + 1; keyspace < Limits.KEYSPACES_COUNT_MAX; keyspace++) {
            if ((keyspacesMask & 1L << keyspace) == 0 || keyspace < afterKeyspace) continue;
            byte[] from = KeyRecords.scanOrderKey(keyspace, EventualLayout.bucketFirstHash(bucket),
                    new byte[0]);
            if (keyspace == afterKeyspace) {
                from = successor(KeyRecords.scanOrderKey(keyspace, Bytes.getLong(after, 1),
                        Arrays.copyOfRange(after, 9, after.length)));
            }
            byte[] to = bucket + 1 == Limits.EVENTUAL_DIGEST_BUCKETS_COUNT
                    ? KeyRecords.scanOrderEnd(keyspace)
                    : KeyRecords.scanOrderKey(keyspace, EventualLayout.bucketFirstHash(bucket + 1),
                            new byte[0]);
            liveKeyspace = keyspace;
            StateCursor cursor = state.scan(from, to);
            if (cursor.valid()) {
                live = cursor;
                return;
            }
            cursor.close();
        }
        liveKeyspace = Limits.KEYSPACES_COUNT_MAX;
    }

    /** The smallest key after {@code key}: key followed by a zero byte. */
    private static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        tombstones.close();
        if (live != null) live.close();
    }
}
