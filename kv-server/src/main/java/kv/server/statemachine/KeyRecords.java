package kv.server.statemachine;

import java.util.Arrays;
import kv.server.command.Command;
import kv.server.command.Reply;

/**
 * One key's records as a single opaque value, for eventual keyspaces, which replicate and merge
 * whole values per key (last writer wins) rather than commands. The value ("blob") is the key's
 * meta record plus its element records (hash fields or sorted-set members); the derived records
 * (scan order, score order, keyspace counters) are rebuilt on install, so every replica holds the
 * same records for the same blob. Layout (big-endian):
 * <pre>
 *   format:1 metaLength:4 meta elementsCount:4 { elementLength:4 element valueLength:4 value }*
 * </pre>
 * Elements are in ascending unsigned order and their count equals the count in the meta record.
 */
public final class KeyRecords {
    static final byte FORMAT = 1;
    /** format:1 metaLength:4 ... elementsCount:4 */
    private static final int FIXED_BYTES = 9;

    private KeyRecords() {}

    /**
     * Runs one data command over {@code reader}, buffering its writes in {@code overlay} (null for
     * a read) with {@code position} as the version stamped into changed meta records.
     */
    public static Reply execute(Command command, StateReader reader, StateOverlay overlay,
                                long position) {
        KeyspaceView view = new KeyspaceView(reader, overlay, command.keyspaceIndex(), position);
        return KvStateMachine.execute(command.type(), command.args(), view);
    }

    /** The key's current value as a blob, or null when the key is absent. */
    public static byte[] encode(StateReader reader, int keyspace, byte[] key) {
        byte[] meta = reader.get(KeyLayout.meta(keyspace, key));
        if (meta == null) return null;
        byte[] prefix = elementPrefix(keyspace, meta[0], key);
        if (prefix == null) return concatBlob(meta, new byte[0][], new byte[0][], 0, 0);
        int count = (int) Bytes.getLong(meta, KeyLayout.META_HEADER_BYTES);
        byte[][] elements = new byte[count][];
        byte[][] values = new byte[count][];
        int index = 0;
        long elementBytes = 0;
        try (StateCursor cursor = reader.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                kv.server.Assert.that(index < count, "key holds more elements than its count %d",
                        count);
                elements[index] = KeyLayout.suffix(cursor.key(), prefix.length);
                values[index] = cursor.value();
                elementBytes += 8 + elements[index].length + values[index].length;
                index++;
            }
        }
        kv.server.Assert.that(index == count, "key holds %d elements, its count says %d", index,
                count);
        return concatBlob(meta, elements, values, count, elementBytes);
    }

    /**
     * The blob of a string key holding {@code value}, stamped with {@code position}: what
     * {@link #encode} returns after a plain {@code SET key value} ran at that position.
     */
    public static byte[] stringBlob(byte[] value, long position) {
        byte[] meta = new byte[KeyLayout.META_HEADER_BYTES + value.length];
        meta[0] = KeyLayout.TYPE_STRING;
        Bytes.putLong(meta, 1, position);
        System.arraycopy(value, 0, meta, KeyLayout.META_HEADER_BYTES, value.length);
        return concatBlob(meta, new byte[0][], new byte[0][], 0, 0);
    }

    private static byte[] concatBlob(byte[] meta, byte[][] elements, byte[][] values, int count,
                                     long elementBytes) {
        long size = FIXED_BYTES + meta.length + elementBytes;
        kv.server.Assert.that(size <= Integer.MAX_VALUE, "blob of %d bytes", size);
        byte[] out = new byte[(int) size];
        out[0] = FORMAT;
        int at = putInt(out, 1, meta.length);
        System.arraycopy(meta, 0, out, at, meta.length);
        at = putInt(out, at + meta.length, count);
        for (int i = 0; i < count; i++) {
            at = putInt(out, at, elements[i].length);
            System.arraycopy(elements[i], 0, out, at, elements[i].length);
            at = putInt(out, at + elements[i].length, values[i].length);
            System.arraycopy(values[i], 0, out, at, values[i].length);
            at += values[i].length;
        }
        kv.server.Assert.that(at == out.length, "blob encoded %d of %d bytes", at, out.length);
        return out;
    }

    /** Why {@code blob} is not a well-formed value, or null if it is: checked before install. */
    public static String problem(byte[] blob) {
        if (blob.length < FIXED_BYTES || blob[0] != FORMAT) return "bad blob header";
        int metaLength = getInt(blob, 1);
        if (metaLength < KeyLayout.META_HEADER_BYTES || metaLength > blob.length - FIXED_BYTES) {
            return "bad meta length " + metaLength;
        }
        byte type = blob[5];
        boolean isString = type == KeyLayout.TYPE_STRING;
        if (!isString && type != KeyLayout.TYPE_HASH && type != KeyLayout.TYPE_ZSET) {
            return "unknown type " + type;
        }
        if (!isString && metaLength != KeyLayout.META_HEADER_BYTES + 8) return "bad count meta";
        int at = 5 + metaLength;
        long count = getInt(blob, at);
        at += 4;
        long metaCount = isString ? 0 : Bytes.getLong(blob, 5 + KeyLayout.META_HEADER_BYTES);
        if (count != metaCount || (!isString && count < 1)) return "element count mismatch";
        byte[] previous = null;
        for (long i = 0; i < count; i++) {
            if (at + 4 > blob.length) return "truncated element";
            int length = getInt(blob, at);
            if (length < 0 || at + 4 + length + 4 > blob.length) return "truncated element";
            byte[] element = Arrays.copyOfRange(blob, at + 4, at + 4 + length);
            if (previous != null && Bytes.ORDER.compare(previous, element) >= 0) {
                return "elements out of order";
            }
            previous = element;
            at += 4 + length;
            int valueLength = getInt(blob, at);
            if (valueLength < 0 || at + 4 + valueLength > blob.length) return "truncated value";
            if (type == KeyLayout.TYPE_ZSET && (valueLength != 8
                    || Double.isNaN(Double.longBitsToDouble(Bytes.getLong(blob, at + 4))))) {
                return "bad score";
            }
            at += 4 + valueLength;
        }
        return at == blob.length ? null : "trailing bytes";
    }

    /** The key's meta record ({@code type:1 version:8 payload}), or null if it has none. */
    public static byte[] meta(StateReader reader, int keyspace, byte[] key) {
        return reader.get(KeyLayout.meta(keyspace, key));
    }

    /** The type byte of a meta record from {@link #meta}. */
    public static byte typeOfMeta(byte[] meta) {
        return meta[0];
    }

    /** The version stamped in a meta record from {@link #meta} (as {@link #versionOf}). */
    public static long versionOfMeta(byte[] meta) {
        return Bytes.getLong(meta, 1);
    }

    // Which records a record cache keeps (KeyLayout stays package-private).

    /** See {@link KeyLayout#isPointReadRecord}. */
    public static boolean isPointReadRecord(byte[] stateKey) {
        return KeyLayout.isPointReadRecord(stateKey);
    }

    /** See {@link KeyLayout#rangeMayHoldPointReadRecords}. */
    public static boolean rangeMayHoldPointReadRecords(byte[] from, byte[] toExclusive) {
        return KeyLayout.rangeMayHoldPointReadRecords(from, toExclusive);
    }

    // Record keys for eventual keyspaces' own indexes (KeyLayout stays package-private).

    /** The hash that orders a keyspace's scan-order records (fixed: see KeyLayout). */
    public static long scanHash(byte[] key) {
        return KeyLayout.scanHash(key);
    }

    /**
     * The scan-order record key of {@code key} at {@code hash} ({@code [ks] 0x05 hash:8 key}); with
     * an empty key, where the keyspace's records of that hash and above start.
     */
    public static byte[] scanOrderKey(int keyspace, long hash, byte[] key) {
        return KeyLayout.scanOrder(keyspace, hash, key);
    }

    /** The first record key after every scan-order record of {@code keyspace}. */
    public static byte[] scanOrderEnd(int keyspace) {
        return Bytes.prefixEnd(KeyLayout.tagPrefix(keyspace, KeyLayout.TAG_SCAN_ORDER));
    }

    /** The user key of a scan-order record key. */
    public static byte[] keyOfScanOrder(byte[] scanOrderKey) {
        return KeyLayout.suffix(scanOrderKey, 10);
    }

    /** The prefix of every meta record of {@code keyspace}: one per key. */
    public static byte[] metaPrefix(int keyspace) {
        return KeyLayout.tagPrefix(keyspace, KeyLayout.TAG_META);
    }

    /** The user key of a meta record key. */
    public static byte[] keyOfMeta(byte[] metaKey) {
        return KeyLayout.userKeyOfMeta(metaKey);
    }

    /** {@link #install} hint: the key has no records. */
    public static final byte ABSENT = 1;
    /** {@link #install} hint: unknown, read the key's meta record. */
    public static final byte UNKNOWN = 0;

    /** The type byte of a well-formed blob (never {@link #ABSENT} or {@link #UNKNOWN}). */
    public static byte typeOf(byte[] blob) {
        return blob[5];
    }

    /**
     * Replaces the key's records with {@code blob} (null: delete the key), keeping the derived
     * records and the keyspace key count right. The blob must have passed {@link #problem}.
     */
    public static void install(StateOverlay overlay, int keyspace, byte[] key, byte[] blob) {
        install(overlay, keyspace, key, blob, UNKNOWN);
    }

    /**
     * As {@link #install(StateOverlay, int, byte[], byte[])}, where the caller knows what the key
     * holds now ({@code existingType}: {@link #ABSENT}, a type byte of {@link #typeOf}, or
     * {@link #UNKNOWN}): a known one saves reading the meta record.
     */
    public static void install(StateOverlay overlay, int keyspace, byte[] key, byte[] blob,
                               byte existingType) {
        KeyspaceView current = new KeyspaceView(overlay, overlay, keyspace, 0);
        KeyspaceView.Meta existing = existingType == UNKNOWN ? current.meta(key)
                : existingType == ABSENT ? null : new KeyspaceView.Meta(existingType, 0, null);
        if (kv.server.Assert.VERIFY && existingType != UNKNOWN) {
            KeyspaceView.Meta stored = current.meta(key);
            kv.server.Assert.that(existingType == ABSENT ? stored == null
                    : stored != null && stored.type() == existingType,
                    "install hint %s disagrees with the meta record", existingType);
        }
        if (blob == null) {
            if (existing != null) current.deleteUnpositioned(key, existing);
            return;
        }
        String problem = problem(blob);
        kv.server.Assert.that(problem == null, "installing a malformed blob: %s", problem);
        // A key that stays present keeps its scan-order record and the key count: only its
        // elements go, and the meta record is overwritten (the common overwrite is one put).
        if (existing != null) current.deleteElements(key, existing);
        int metaLength = getInt(blob, 1);
        byte[] meta = Arrays.copyOfRange(blob, 5, 5 + metaLength);
        // The view stamps the blob's own version, so the meta record comes out byte-identical.
        KeyspaceView view = new KeyspaceView(overlay, overlay, keyspace, Bytes.getLong(meta, 1));
        byte type = meta[0];
        if (type == KeyLayout.TYPE_STRING) {
            view.putString(key, Arrays.copyOfRange(meta, KeyLayout.META_HEADER_BYTES,
                    meta.length), existing);
            return;
        }
        long count = Bytes.getLong(meta, KeyLayout.META_HEADER_BYTES);
        view.putCount(key, type, count, existing);
        byte[] prefix = elementPrefix(keyspace, type, key);
        byte[] scorePrefix = KeyLayout.subPrefix(keyspace, KeyLayout.TAG_ZSET_SCORE, key);
        int at = 5 + metaLength + 4;
        for (long i = 0; i < count; i++) {
            int length = getInt(blob, at);
            byte[] element = Arrays.copyOfRange(blob, at + 4, at + 4 + length);
            at += 4 + length;
            int valueLength = getInt(blob, at);
            byte[] value = Arrays.copyOfRange(blob, at + 4, at + 4 + valueLength);
            at += 4 + valueLength;
            overlay.put(KeyLayout.concat(prefix, element), value);
            if (type == KeyLayout.TYPE_ZSET) {
                double score = Double.longBitsToDouble(Bytes.getLong(value, 0));
                overlay.put(KeyLayout.scoreEntry(scorePrefix, score, element), new byte[0]);
            }
        }
    }

    /**
     * Whether a command run over {@code after} (an overlay on {@code before}) changed the key,
     * given {@code blobAfter}, the key's value after it. A command that rewrites a meta record
     * stamps it with a version newer than any stored, so a rewritten meta is a change without
     * encoding the value before; only element-only writes (a sorted-set score) and untouched
     * keys are compared whole.
     */
    public static boolean changed(StateOverlay after, StateReader before, int keyspace,
                                  byte[] key, byte[] blobAfter) {
        byte[] metaKey = KeyLayout.meta(keyspace, key);
        if (after.buffers(metaKey)) {
            return blobAfter != null || before.get(metaKey) != null;
        }
        return !Arrays.equals(encode(before, keyspace, key), blobAfter);
    }

    /**
     * A copy of {@code blob} stamped with {@code position}: a command that changes only elements
     * (a sorted-set score) leaves the meta record's version alone, but the whole value is new.
     */
    public static byte[] restamp(byte[] blob, long position) {
        byte[] out = blob.clone();
        Bytes.putLong(out, 6, position);
        return out;
    }

    /** The version (position) stamped in a blob's meta record. */
    public static long versionOf(byte[] blob) {
        return Bytes.getLong(blob, 6);
    }

    private static byte[] elementPrefix(int keyspace, byte type, byte[] key) {
        return switch (type) {
            case KeyLayout.TYPE_HASH ->
                    KeyLayout.subPrefix(keyspace, KeyLayout.TAG_HASH_FIELD, key);
            case KeyLayout.TYPE_ZSET ->
                    KeyLayout.subPrefix(keyspace, KeyLayout.TAG_ZSET_MEMBER, key);
            default -> null;
        };
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    private static int getInt(byte[] in, int at) {
        return ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8)
                | (in[at + 3] & 0xff);
    }
}
