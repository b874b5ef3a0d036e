package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateOverlay;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;

/**
 * The versioned key values of this node: the keys' records in the state column, their versions
 * and tombstones in the metadata column. Writes of one turn are buffered in overlays; the driver
 * persists them in one atomic batch, then {@link #startTurn} reads through the persisted state.
 * Keeps one XOR digest per bucket over the live keys' versions, rebuilt from disk on start, so
 * anti-entropy compares two nodes with one message. Tombstones stay out of the digests: a
 * tombstone and an absent key read the same, so a node that collected a tombstone does not look
 * different; range listings carry tombstones, so a stale live value still meets its tombstone.
 */
final class EventualStore {
    /** A key's version record; {@code kind}: see {@link EventualLayout#KIND_TOMBSTONE}. */
    record Entry(Version version, byte kind) {
        boolean tombstone() {
            return kind == EventualLayout.KIND_TOMBSTONE;
        }

        /** The live value's type byte, or KIND_LIVE_UNTYPED when not recorded. */
        byte liveType() {
            return tombstone() ? KeyRecords.ABSENT : kind;
        }
    }

    /** Told of every change of a key's version, whatever its cause. */
    interface KeyChanges {
        void onKeyChanged(int keyspace, byte[] key);
    }

    private KeyChanges keyChanges = (keyspace, key) -> { };

    private final StateReader stateBase;
    private final StateReader metadataBase;
    private StateOverlay state;
    private StateOverlay metadata;
    private boolean turnOpen = true;
    private final long[] digests = new long[Limits.EVENTUAL_DIGEST_BUCKETS_COUNT];
    /** The same XOR per keyspace: equal on two replicas when they hold the same live versions. */
    private final long[] keyspaceDigests = new long[Limits.KEYSPACES_COUNT_MAX];

    EventualStore(StateReader stateBase, StateReader metadataBase) {
        this.stateBase = stateBase;
        this.metadataBase = metadataBase;
        this.state = new StateOverlay(stateBase);
        this.metadata = new StateOverlay(metadataBase);
        rebuildDigests();
    }

    private void rebuildDigests() {
        byte[] prefix = {EventualLayout.TAG_VERSION};
        try (StateCursor cursor = metadataBase.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] versionKey = cursor.key();
                Entry entry = decodeEntry(cursor.value());
                if (entry.tombstone()) continue;
                int bucket = ((versionKey[1] & 0xff) << 8) | (versionKey[2] & 0xff);
                int keyspace = versionKey[3] & 0xff;
                byte[] key = java.util.Arrays.copyOfRange(versionKey, 4, versionKey.length);
                long entryDigest = EventualLayout.entryDigest(keyspace, key, entry.version());
                digests[bucket] ^= entryDigest;
                keyspaceDigests[keyspace] ^= entryDigest;
            }
        }
    }

    // Turns.

    /**
     * The writes of this turn, to persist in one atomic batch; then call {@link #startTurn}. In
     * key order, one per key ({@link StateOverlay#sortedWrites}), for RocksDB's memtable.
     */
    StateWrites stateWrites() {
        return state.sortedWrites();
    }

    StateWrites metadataWrites() {
        return metadata.sortedWrites();
    }

    void endTurn() {
        Assert.that(turnOpen, "turn ended twice");
        turnOpen = false;
    }

    /** The driver persisted the last turn's writes: read through the stores again. */
    void startTurn() {
        Assert.that(!turnOpen, "turn started twice");
        turnOpen = true;
        state = new StateOverlay(stateBase);
        metadata = new StateOverlay(metadataBase);
    }

    void checkTurnOpen() {
        Assert.that(turnOpen, "input between ready() and advance()");
    }

    StateReader state() {
        return state;
    }

    // Versions and values.

    Entry entry(int keyspace, byte[] key) {
        byte[] raw = metadata.get(EventualLayout.version(keyspace, key));
        return raw == null ? null : decodeEntry(raw);
    }

    private static Entry decodeEntry(byte[] raw) {
        Assert.that(raw.length == EventualLayout.VERSION_RECORD_BYTES,
                "corrupt version record of %d bytes", raw.length);
        return new Entry(new Version(Bytes.getLong(raw, 0), raw[8] & 0xff), raw[9]);
    }

    /** The key's value with its version; a tombstone at ZERO when nothing is known. */
    Versioned read(int keyspace, byte[] key) {
        Entry entry = entry(keyspace, key);
        if (entry == null) return Versioned.tombstone(Version.ZERO);
        if (entry.tombstone()) return Versioned.tombstone(entry.version());
        byte[] blob = KeyRecords.encode(state, keyspace, key);
        Assert.that(blob != null, "live version record without a value");
        Assert.that(KeyRecords.versionOf(blob) == entry.version().timestamp(),
                "value stamped %d under version %s", KeyRecords.versionOf(blob), entry.version());
        return new Versioned(entry.version(), blob);
    }

    /** Replaces the key's value and version unconditionally (callers merge first). */
    void put(int keyspace, byte[] key, Versioned value) {
        put(keyspace, key, value, entry(keyspace, key));
    }

    void listen(KeyChanges listener) {
        keyChanges = listener;
    }

    /** As {@link #put(int, byte[], Versioned)}, where the caller read {@code old} this turn. */
    void put(int keyspace, byte[] key, Versioned value, Entry old) {
        keyChanges.onKeyChanged(keyspace, key);
        int bucket = EventualLayout.bucketOf(keyspace, key);
        if (old != null && !old.tombstone()) {
            long oldDigest = EventualLayout.entryDigest(keyspace, key, old.version());
            digests[bucket] ^= oldDigest;
            keyspaceDigests[keyspace] ^= oldDigest;
        }
        if (old != null && old.tombstone()) {
            metadata.delete(EventualLayout.tombstone(old.version(), keyspace, key));
        }
        KeyRecords.install(state, keyspace, key, value.blob(),
                old == null ? KeyRecords.ABSENT : old.liveType());
        metadata.put(EventualLayout.version(keyspace, key), EventualLayout.versionValue(
                value.version(), value.isTombstone() ? EventualLayout.KIND_TOMBSTONE
                        : KeyRecords.typeOf(value.blob())));
        if (value.isTombstone()) {
            metadata.put(EventualLayout.tombstone(value.version(), keyspace, key), new byte[0]);
        } else {
            long newDigest = EventualLayout.entryDigest(keyspace, key, value.version());
            digests[bucket] ^= newDigest;
            keyspaceDigests[keyspace] ^= newDigest;
        }
    }

    /** Forgets a tombstone if the key still holds exactly it; true if it did. */
    boolean dropTombstone(int keyspace, byte[] key, Version version) {
        Entry entry = entry(keyspace, key);
        if (entry == null || !entry.tombstone() || !entry.version().equals(version)) return false;
        metadata.delete(EventualLayout.version(keyspace, key));
        metadata.delete(EventualLayout.tombstone(version, keyspace, key));
        keyChanges.onKeyChanged(keyspace, key);
        return true;
    }

    long[] digests() {
        return digests.clone();
    }

    long keyspaceDigest(int keyspace) {
        return keyspaceDigests[keyspace];
    }

    /**
     * Versions in {@code bucket} after {@code afterKey} (compound key; empty: from the start),
     * at most {@code itemsMax} items and about {@code sizeBytesMax} bytes; {@code complete[0]}
     * says whether the listing reached the end of the bucket.
     */
    List<KeyVersion> listBucket(int bucket, byte[] afterKey, int itemsMax, int sizeBytesMax,
                                boolean[] complete) {
        byte[] prefix = EventualLayout.bucketPrefix(bucket);
        // The smallest key after {@code afterKey} is afterKey followed by a zero byte.
        byte[] from = afterKey.length == 0 ? prefix
                : java.util.Arrays.copyOf(concat(prefix, afterKey), prefix.length
                        + afterKey.length + 1);
        List<KeyVersion> items = new ArrayList<>();
        int sizeBytes = 0;
        complete[0] = true;
        try (StateCursor cursor = metadata.scan(from, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] versionKey = cursor.key();
                Entry entry = decodeEntry(cursor.value());
                KeyVersion item = new KeyVersion(versionKey[3] & 0xff,
                        java.util.Arrays.copyOfRange(versionKey, 4, versionKey.length),
                        entry.version(), entry.tombstone());
                int itemBytes = EventualCodec.keyVersionSizeBytes(item);
                if (items.size() == itemsMax || sizeBytes + itemBytes > sizeBytesMax) {
                    complete[0] = false;
                    break;
                }
                items.add(item);
                sizeBytes += itemBytes;
            }
        }
        return items;
    }

    /** The oldest tombstones, up to {@code countMax}, in version order. */
    List<KeyVersion> oldestTombstones(int countMax) {
        byte[] prefix = {EventualLayout.TAG_TOMBSTONE};
        List<KeyVersion> found = new ArrayList<>();
        try (StateCursor cursor = metadata.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid() && found.size() < countMax; cursor.next()) {
                byte[] raw = cursor.key();
                Version version = new Version(Bytes.getLong(raw, 1), raw[9] & 0xff);
                found.add(new KeyVersion(raw[10] & 0xff,
                        java.util.Arrays.copyOfRange(raw, 11, raw.length), version, true));
            }
        }
        return found;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // Plain metadata records (node and peer progress, update log).

    long getLong(byte[] key, long absent) {
        byte[] raw = metadata.get(key);
        return raw == null ? absent : Bytes.getLong(raw, 0);
    }

    void putLong(byte[] key, long value) {
        metadata.put(key, Bytes.ofLong(value));
    }

    byte[] getMetadata(byte[] key) {
        return metadata.get(key);
    }

    void putMetadata(byte[] key, byte[] value) {
        metadata.put(key, value);
    }

    void deleteMetadata(byte[] key) {
        metadata.delete(key);
    }

    StateCursor scanMetadata(byte[] from, byte[] toExclusive) {
        return metadata.scan(from, toExclusive);
    }
}
