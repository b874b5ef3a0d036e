package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.StartRefused;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.StateCursor;
import kv.server.statemachine.StateOverlay;
import kv.server.statemachine.StateReader;
import kv.server.statemachine.StateWrites;

/**
 * The versioned key values of this node: the keys' records in the state column (a live key's
 * meta record carries its version), tombstones in the metadata column. Writes of one turn are
 * buffered in overlays; the driver persists them in one atomic batch, then {@link #startTurn}
 * reads through the persisted state. Keeps one XOR digest per bucket over the live keys'
 * versions, rebuilt from disk on start, so anti-entropy compares two nodes with one message. Tombstones stay out of the digests: a
 * tombstone and an absent key read the same, so a node that collected a tombstone does not look
 * different; range listings carry tombstones, so a stale live value still meets its tombstone.
 */
final class EventualStore {
    /**
     * A key's version; {@code kind}: the live value's type byte or
     * {@link EventualLayout#KIND_TOMBSTONE}.
     */
    record Entry(Version version, byte kind) {
        boolean tombstone() {
            return kind == EventualLayout.KIND_TOMBSTONE;
        }

        /** The live value's type byte; {@link KeyRecords#ABSENT} for a tombstone. */
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
    /** Keyspaces this node ever stored an eventual key of (bit per index; persisted markers). */
    private long keyspacesMask;

    EventualStore(StateReader stateBase, StateReader metadataBase) {
        this.stateBase = stateBase;
        this.metadataBase = metadataBase;
        this.state = new StateOverlay(stateBase);
        this.metadata = new StateOverlay(metadataBase);
        checkFormat();
        rebuildDigests();
    }

    /** Stamps a new node's metadata with the layout; refuses data written in another. */
    private void checkFormat() {
        String problem = layoutProblem(metadataBase);
        if (problem != null) throw new StartRefused(problem);
        if (metadataBase.get(EventualLayout.NODE_FORMAT) == null) {
            metadata.put(EventualLayout.NODE_FORMAT, Bytes.ofLong(EventualLayout.FORMAT));
        }
    }

    /** Null if {@code metadata} is empty or in this build's layout, else what to do. */
    static String layoutProblem(StateReader metadata) {
        byte[] raw = metadata.get(EventualLayout.NODE_FORMAT);
        if (raw != null && Bytes.getLong(raw, 0) == EventualLayout.FORMAT) return null;
        if (raw == null) {
            try (StateCursor cursor = metadata.scan(new byte[0], null)) {
                if (!cursor.valid()) return null;
            }
        }
        return "the eventual keyspaces' data here was written in layout "
                + (raw == null ? 1 : Bytes.getLong(raw, 0)) + " and this build reads layout "
                + EventualLayout.FORMAT + ": start the node with the build that wrote it, or "
                + "move its data directory away (its peers' anti-entropy refills the eventual "
                + "keyspaces; strong keyspaces catch up through the log)";
    }

    /** The keyspaces {@code metadata} holds eventual keys of (bit per index). */
    static long keyspacesMarked(StateReader metadata) {
        long mask = 0;
        byte[] markers = {EventualLayout.TAG_NODE, EventualLayout.NODE_KEYSPACE};
        try (StateCursor cursor = metadata.scan(markers, Bytes.prefixEnd(markers))) {
            for (; cursor.valid(); cursor.next()) mask |= 1L << (cursor.key()[2] & 0xff);
        }
        return mask;
    }

    private void rebuildDigests() {
        keyspacesMask = keyspacesMarked(metadataBase);
        for (int keyspace = 0; keyspace < Limits.KEYSPACES_COUNT_MAX; keyspace++) {
            if ((keyspacesMask & 1L << keyspace) == 0) continue;
            byte[] prefix = KeyRecords.metaPrefix(keyspace);
            try (StateCursor cursor = stateBase.scan(prefix, Bytes.prefixEnd(prefix))) {
                for (; cursor.valid(); cursor.next()) {
                    byte[] key = KeyRecords.keyOfMeta(cursor.key());
                    Version version = Version.ofStamp(KeyRecords.versionOfMeta(cursor.value()));
                    xorDigest(keyspace, key, EventualLayout.bucketOf(keyspace, key), version);
                }
            }
        }
    }

    private void xorDigest(int keyspace, byte[] key, int bucket, Version version) {
        long entryDigest = EventualLayout.entryDigest(keyspace, key, version);
        digests[bucket] ^= entryDigest;
        keyspaceDigests[keyspace] ^= entryDigest;
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

    /**
     * The key's version. A live key's comes from its meta record in the state family (its stamp
     * is the whole version), which the record cache usually answers from memory; only a key
     * without records needs the metadata family, where tombstones live.
     */
    Entry entry(int keyspace, byte[] key) {
        byte[] meta = KeyRecords.meta(state, keyspace, key);
        if (meta != null) {
            Assert.that(!Assert.VERIFY || metadata.get(EventualLayout.version(keyspace, key))
                    == null, "key has both a value and a tombstone");
            return new Entry(Version.ofStamp(KeyRecords.versionOfMeta(meta)),
                    KeyRecords.typeOfMeta(meta));
        }
        byte[] raw = metadata.get(EventualLayout.version(keyspace, key));
        return raw == null ? null : decodeEntry(raw);
    }

    private static Entry decodeEntry(byte[] raw) {
        Assert.that(raw.length == EventualLayout.VERSION_RECORD_BYTES
                && raw[9] == EventualLayout.KIND_TOMBSTONE, "corrupt tombstone record of %d bytes",
                raw.length);
        return new Entry(new Version(Bytes.getLong(raw, 0), raw[8] & 0xff), raw[9]);
    }

    /** The key's value with its version; a tombstone at ZERO when nothing is known. */
    Versioned read(int keyspace, byte[] key) {
        Entry entry = entry(keyspace, key);
        if (entry == null) return Versioned.tombstone(Version.ZERO);
        if (entry.tombstone()) return Versioned.tombstone(entry.version());
        byte[] blob = KeyRecords.encode(state, keyspace, key);
        Assert.that(blob != null, "live version record without a value");
        Assert.that(KeyRecords.versionOf(blob) == entry.version().stamp(),
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
        if ((keyspacesMask & 1L << keyspace) == 0) {
            keyspacesMask |= 1L << keyspace;
            metadata.put(EventualLayout.keyspaceMarker(keyspace), new byte[0]);
        }
        int bucket = EventualLayout.bucketOf(keyspace, key);
        if (old != null && !old.tombstone()) xorDigest(keyspace, key, bucket, old.version());
        if (old != null && old.tombstone()) {
            metadata.delete(EventualLayout.tombstone(old.version(), keyspace, key));
            if (!value.isTombstone()) metadata.delete(EventualLayout.version(keyspace, key));
        }
        KeyRecords.install(state, keyspace, key, value.blob(),
                old == null ? KeyRecords.ABSENT : old.liveType());
        if (value.isTombstone()) {
            metadata.put(EventualLayout.version(keyspace, key), EventualLayout.versionValue(
                    value.version(), EventualLayout.KIND_TOMBSTONE));
            metadata.put(EventualLayout.tombstone(value.version(), keyspace, key), new byte[0]);
        } else {
            xorDigest(keyspace, key, bucket, value.version());
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
     * Versions in {@code bucket} after {@code afterKey} (compound key; empty: from the start) in
     * listing order ({@link EventualLayout#listing}), at most {@code itemsMax} items and about
     * {@code sizeBytesMax} bytes; {@code complete[0]} says whether it reached the bucket's end.
     */
    List<KeyVersion> listBucket(int bucket, byte[] afterKey, int itemsMax, int sizeBytesMax,
                                boolean[] complete) {
        List<KeyVersion> items = new ArrayList<>();
        int sizeBytes = 0;
        complete[0] = true;
        try (BucketListing listing = new BucketListing(state, metadata, keyspacesMask, bucket,
                afterKey)) {
            for (KeyVersion item = listing.next(); item != null; item = listing.next()) {
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
