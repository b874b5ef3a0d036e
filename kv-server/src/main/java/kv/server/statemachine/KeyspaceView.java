package kv.server.statemachine;

import static kv.server.statemachine.KeyLayout.META_HEADER_BYTES;

import kv.server.Assert;

/**
 * Typed access to one keyspace's records for one command: reads go to {@code reader}; writes go
 * to {@code overlay} (null for read-only commands) stamped with {@code position}, the log
 * position that WATCH versions compare against.
 */
final class KeyspaceView {
    /** A key's meta record: its type, the position of its last write and the raw record. */
    record Meta(byte type, long version, byte[] raw) {
        byte[] stringValue() {
            byte[] value = new byte[raw.length - META_HEADER_BYTES];
            System.arraycopy(raw, META_HEADER_BYTES, value, 0, value.length);
            return value;
        }

        int stringLength() {
            return raw.length - META_HEADER_BYTES;
        }

        long count() {
            return Bytes.getLong(raw, META_HEADER_BYTES);
        }
    }

    final StateReader reader;
    final StateOverlay overlay;
    final int keyspace;
    final long position;

    KeyspaceView(StateReader reader, StateOverlay overlay, int keyspace, long position) {
        this.reader = reader;
        this.overlay = overlay;
        this.keyspace = keyspace;
        this.position = position;
    }

    Meta meta(byte[] key) {
        byte[] raw = reader.get(KeyLayout.meta(keyspace, key));
        if (raw == null) return null;
        Assert.that(raw.length >= META_HEADER_BYTES, "corrupt meta record of %d bytes", raw.length);
        return new Meta(raw[0], Bytes.getLong(raw, 1), raw);
    }

    void putString(byte[] key, byte[] value, Meta existing) {
        byte[] raw = new byte[META_HEADER_BYTES + value.length];
        raw[0] = KeyLayout.TYPE_STRING;
        Bytes.putLong(raw, 1, position);
        System.arraycopy(value, 0, raw, META_HEADER_BYTES, value.length);
        putMeta(key, raw, existing);
    }

    /** Writes the meta of a hash or sorted set holding {@code count} elements (0: delete). */
    void putCount(byte[] key, byte type, long count, Meta existing) {
        if (count == 0) {
            if (existing != null) deleteMetaOnly(key);
            return;
        }
        byte[] raw = new byte[META_HEADER_BYTES + 8];
        raw[0] = type;
        Bytes.putLong(raw, 1, position);
        Bytes.putLong(raw, META_HEADER_BYTES, count);
        putMeta(key, raw, existing);
    }

    private void putMeta(byte[] key, byte[] raw, Meta existing) {
        if (existing == null) {
            overlay.put(KeyLayout.scanOrder(keyspace, key), new byte[0]);
            addToKeyCount(1);
        }
        overlay.put(KeyLayout.meta(keyspace, key), raw);
    }

    /** Deletes {@code key} whatever its type, with all its sub-records. */
    void delete(byte[] key, Meta existing) {
        deleteElements(key, existing);
        deleteMetaOnly(key);
    }

    /**
     * As {@link #delete} but leaves the keyspace's last-delete position alone. Only WATCH reads
     * it (strong keyspaces); eventual replicas must hold the same records for the same values,
     * whichever order of versions they installed.
     */
    void deleteUnpositioned(byte[] key, Meta existing) {
        deleteElements(key, existing);
        removeMeta(key);
    }

    /** Deletes the sub-records of a hash or sorted set (none for a string); keeps the meta. */
    void deleteElements(byte[] key, Meta existing) {
        if (existing.type() == KeyLayout.TYPE_HASH) {
            deletePrefix(KeyLayout.subPrefix(keyspace, KeyLayout.TAG_HASH_FIELD, key));
        } else if (existing.type() == KeyLayout.TYPE_ZSET) {
            deletePrefix(KeyLayout.subPrefix(keyspace, KeyLayout.TAG_ZSET_MEMBER, key));
            deletePrefix(KeyLayout.subPrefix(keyspace, KeyLayout.TAG_ZSET_SCORE, key));
        }
    }

    private void deleteMetaOnly(byte[] key) {
        removeMeta(key);
        overlay.put(KeyLayout.keyspaceCounter(keyspace, "lastDelete"), Bytes.ofLong(position));
    }

    private void removeMeta(byte[] key) {
        overlay.delete(KeyLayout.meta(keyspace, key));
        overlay.delete(KeyLayout.scanOrder(keyspace, key));
        addToKeyCount(-1);
    }

    void deletePrefix(byte[] prefix) {
        overlay.deleteRange(prefix, Bytes.prefixEnd(prefix));
    }

    /** Deletes every key of the keyspace (FLUSHDB). */
    void deleteAll() {
        byte[] prefix = {(byte) keyspace};
        overlay.deleteRange(prefix, Bytes.prefixEnd(prefix));
        overlay.put(KeyLayout.keyspaceCounter(keyspace, "lastDelete"), Bytes.ofLong(position));
    }

    long keyCount() {
        byte[] raw = reader.get(KeyLayout.keyspaceCounter(keyspace, "count"));
        return raw == null ? 0 : Bytes.getLong(raw, 0);
    }

    /** Position of the last delete in this keyspace: WATCH on an absent key compares to it. */
    long lastDeletePosition() {
        byte[] raw = reader.get(KeyLayout.keyspaceCounter(keyspace, "lastDelete"));
        return raw == null ? 0 : Bytes.getLong(raw, 0);
    }

    private void addToKeyCount(long delta) {
        long count = keyCount() + delta;
        Assert.that(count >= 0, "keyspace key count went negative: %d", count);
        overlay.put(KeyLayout.keyspaceCounter(keyspace, "count"), Bytes.ofLong(count));
    }
}
