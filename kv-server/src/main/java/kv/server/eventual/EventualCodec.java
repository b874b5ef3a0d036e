package kv.server.eventual;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.DigestReply;
import kv.server.eventual.EventualMessage.DigestRequest;
import kv.server.eventual.EventualMessage.Fetch;
import kv.server.eventual.EventualMessage.KeyRef;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.eventual.EventualMessage.Push;
import kv.server.eventual.EventualMessage.PushAck;
import kv.server.eventual.EventualMessage.RangeReply;
import kv.server.eventual.EventualMessage.RangeRequest;
import kv.server.eventual.EventualMessage.ReadReply;
import kv.server.eventual.EventualMessage.ReadRequest;
import kv.server.eventual.EventualMessage.Repair;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.KeyRecords;

/**
 * Binary encoding of eventual messages (big-endian). Every body starts with
 * {@code format:1 senderTimestamp:8}; the sender's clock lets the receiver advance its own.
 * <pre>
 *   key       keyspace:1 keyLength:4 key
 *   update    key timestamp:8 node:1 kind:1 [blobLength:4 blob]     kind 0 value, 1 tombstone
 *   version   key timestamp:8 node:1 tombstone:1
 *   PUSH            fromSeq:8 toSeq:8 count:4 update*
 *   PUSH_ACK        fromSeq:8 toSeq:8
 *   REPAIR          count:4 update*
 *   READ_REQUEST    readId:8 count:4 key*
 *   READ_REPLY      readId:8 last:1 count:4 update*
 *   DIGEST_REQUEST  roundId:8
 *   DIGEST_REPLY    roundId:8 count:4 digest:8*
 *   RANGE_REQUEST   roundId:8 bucket:2 afterLength:4 after
 *   RANGE_REPLY     roundId:8 bucket:2 afterLength:4 after complete:1 count:4 version*
 *   FETCH           count:4 key*
 * </pre>
 * The transport CRC-checks frames, so a problem here means a bug or a hostile peer: decoding
 * checks every length, count, range and value blob and rejects the whole message, never
 * applying part of it.
 */
public final class EventualCodec {
    public static final byte FORMAT = 1;
    static final int HEADER_BYTES = 9;
    private static final byte KIND_VALUE = 0;
    private static final byte KIND_TOMBSTONE = 1;

    private EventualCodec() {}

    /** A decoded message with the sender's clock reading, or why the body was rejected. */
    public record Decoded(long senderTimestamp, EventualMessage message, String problem) {}

    public static byte[] encode(EventualMessage message, long senderTimestamp) {
        Writer out = new Writer(HEADER_BYTES + 64);
        out.putByte(FORMAT);
        out.putLong(senderTimestamp);
        switch (message.type()) {
            case PUSH -> {
                Push m = (Push) message;
                out.putLong(m.fromSeq());
                out.putLong(m.toSeq());
                putUpdates(out, m.updates());
            }
            case PUSH_ACK -> {
                PushAck m = (PushAck) message;
                out.putLong(m.fromSeq());
                out.putLong(m.toSeq());
            }
            case REPAIR -> putUpdates(out, ((Repair) message).updates());
            case READ_REQUEST -> {
                ReadRequest m = (ReadRequest) message;
                out.putLong(m.readId());
                putKeys(out, m.keys());
            }
            case READ_REPLY -> {
                ReadReply m = (ReadReply) message;
                out.putLong(m.readId());
                out.putByte(m.last() ? 1 : 0);
                putUpdates(out, m.updates());
            }
            case DIGEST_REQUEST -> out.putLong(((DigestRequest) message).roundId());
            case DIGEST_REPLY -> {
                DigestReply m = (DigestReply) message;
                out.putLong(m.roundId());
                out.putInt(m.digests().length);
                for (long digest : m.digests()) out.putLong(digest);
            }
            case RANGE_REQUEST -> {
                RangeRequest m = (RangeRequest) message;
                out.putLong(m.roundId());
                out.putShort(m.bucket());
                out.putBytes(m.afterKey());
            }
            case RANGE_REPLY -> {
                RangeReply m = (RangeReply) message;
                out.putLong(m.roundId());
                out.putShort(m.bucket());
                out.putBytes(m.afterKey());
                out.putByte(m.complete() ? 1 : 0);
                out.putInt(m.items().size());
                for (KeyVersion item : m.items()) {
                    putKey(out, item.keyspace(), item.key());
                    putVersion(out, item.version());
                    out.putByte(item.tombstone() ? 1 : 0);
                }
            }
            case FETCH -> putKeys(out, ((Fetch) message).keys());
        }
        return out.toArray();
    }

    /** Bytes an update adds to a message: for cutting messages at a size target. */
    public static int updateSizeBytes(Update update) {
        byte[] blob = update.value().blob();
        return 5 + update.key().length + 10 + (blob == null ? 0 : 4 + blob.length);
    }

    public static int keyVersionSizeBytes(KeyVersion item) {
        return 5 + item.key().length + 10;
    }

    private static void putUpdates(Writer out, List<Update> updates) {
        out.putInt(updates.size());
        for (Update update : updates) {
            putKey(out, update.keyspace(), update.key());
            putVersion(out, update.value().version());
            byte[] blob = update.value().blob();
            out.putByte(blob == null ? KIND_TOMBSTONE : KIND_VALUE);
            if (blob != null) out.putBytes(blob);
        }
    }

    private static void putKeys(Writer out, List<KeyRef> keys) {
        out.putInt(keys.size());
        for (KeyRef key : keys) putKey(out, key.keyspace(), key.key());
    }

    private static void putKey(Writer out, int keyspace, byte[] key) {
        out.putByte(keyspace);
        out.putBytes(key);
    }

    private static void putVersion(Writer out, Version version) {
        out.putLong(version.timestamp());
        out.putByte(version.nodeIndex());
    }

    public static Decoded decode(int frameType, byte[] body) {
        EventualMessageType type = EventualMessageType.ofFrameType(frameType);
        if (type == null) return rejected("unknown eventual frame type " + frameType);
        if (body.length > Limits.EVENTUAL_MESSAGE_SIZE_BYTES_MAX) {
            return rejected("message of " + body.length + " bytes exceeds max "
                    + Limits.EVENTUAL_MESSAGE_SIZE_BYTES_MAX + " bytes");
        }
        Reader in = new Reader(body);
        int format = in.getByte();
        if (in.problem == null && format != FORMAT) return rejected("unknown format " + format);
        long senderTimestamp = in.getLong();
        if (in.problem == null
                && (senderTimestamp < 0 || senderTimestamp > Version.TIMESTAMP_ACCEPTED_MAX)) {
            in.fail("sender timestamp " + senderTimestamp + " out of range");
        }
        EventualMessage message = decodeBody(type, in);
        if (in.problem == null && in.at != body.length) {
            in.fail((body.length - in.at) + " trailing bytes");
        }
        if (in.problem != null) return rejected(type + ": " + in.problem);
        return new Decoded(senderTimestamp, message, null);
    }

    private static Decoded rejected(String problem) {
        return new Decoded(0, null, problem);
    }

    private static EventualMessage decodeBody(EventualMessageType type, Reader in) {
        return switch (type) {
            case PUSH -> {
                long fromSeq = in.getLong();
                long toSeq = in.getLong();
                if (fromSeq < 1 || toSeq < fromSeq) in.fail("bad push range");
                yield new Push(fromSeq, toSeq, getUpdates(in));
            }
            case PUSH_ACK -> {
                long fromSeq = in.getLong();
                long toSeq = in.getLong();
                if (fromSeq < 1 || toSeq < fromSeq) in.fail("bad push ack range");
                yield new PushAck(fromSeq, toSeq);
            }
            case REPAIR -> new Repair(getUpdates(in));
            case READ_REQUEST -> {
                long readId = in.getLong();
                yield new ReadRequest(readId, getKeys(in, Limits.EVENTUAL_READ_KEYS_COUNT_MAX));
            }
            case READ_REPLY -> {
                long readId = in.getLong();
                boolean last = in.getFlag();
                yield new ReadReply(readId, last, getUpdates(in));
            }
            case DIGEST_REQUEST -> new DigestRequest(in.getLong());
            case DIGEST_REPLY -> {
                long roundId = in.getLong();
                int count = in.getInt();
                if (count != Limits.EVENTUAL_DIGEST_BUCKETS_COUNT) in.fail("digest count " + count);
                long[] digests = new long[in.problem == null ? count : 0];
                for (int i = 0; i < digests.length && in.problem == null; i++) {
                    digests[i] = in.getLong();
                }
                yield new DigestReply(roundId, digests);
            }
            case RANGE_REQUEST -> new RangeRequest(in.getLong(), getBucket(in), getAfterKey(in));
            case RANGE_REPLY -> {
                long roundId = in.getLong();
                int bucket = getBucket(in);
                byte[] afterKey = getAfterKey(in);
                boolean complete = in.getFlag();
                yield new RangeReply(roundId, bucket, afterKey, complete, getKeyVersions(in));
            }
            case FETCH -> new Fetch(getKeys(in, Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX));
        };
    }

    private static int getBucket(Reader in) {
        int bucket = in.getShort();
        if (bucket >= Limits.EVENTUAL_DIGEST_BUCKETS_COUNT) in.fail("bucket " + bucket);
        return bucket;
    }

    private static byte[] getAfterKey(Reader in) {
        return in.getBytes(1 + Limits.KEY_SIZE_BYTES_MAX);
    }

    private static int getCount(Reader in, int max) {
        int count = in.getInt();
        if (in.problem == null && (count < 0 || count > max)) {
            in.fail("count " + count + " exceeds max " + max);
        }
        return in.problem == null ? count : 0;
    }

    private static List<Update> getUpdates(Reader in) {
        int count = getCount(in, Limits.EVENTUAL_MESSAGE_UPDATES_COUNT_MAX);
        List<Update> updates = new ArrayList<>(Math.min(count, 256));
        for (int i = 0; i < count && in.problem == null; i++) {
            int keyspace = getKeyspace(in);
            byte[] key = in.getBytes(Limits.KEY_SIZE_BYTES_MAX);
            Version version = getVersion(in);
            int kind = in.getByte();
            byte[] blob = null;
            if (kind == KIND_VALUE) {
                blob = in.getBytes(Limits.EVENTUAL_VALUE_SIZE_BYTES_MAX);
                if (in.problem == null) checkBlob(in, blob, version);
            } else if (kind != KIND_TOMBSTONE) {
                in.fail("update kind " + kind);
            }
            if (in.problem == null) {
                updates.add(new Update(keyspace, key, new Versioned(version, blob)));
            }
        }
        return updates;
    }

    /** A value must be well formed and stamped with the version it travels under. */
    private static void checkBlob(Reader in, byte[] blob, Version version) {
        String problem = KeyRecords.problem(blob);
        if (problem != null) {
            in.fail("malformed value: " + problem);
        } else if (KeyRecords.versionOf(blob) != version.stamp()) {
            in.fail("value stamped " + KeyRecords.versionOf(blob) + " travels as " + version);
        } else if (version.equals(Version.ZERO)) {
            in.fail("value at version zero");
        }
    }

    private static List<KeyRef> getKeys(Reader in, int max) {
        int count = getCount(in, max);
        List<KeyRef> keys = new ArrayList<>(Math.min(count, 256));
        for (int i = 0; i < count && in.problem == null; i++) {
            int keyspace = getKeyspace(in);
            byte[] key = in.getBytes(Limits.KEY_SIZE_BYTES_MAX);
            if (in.problem == null) keys.add(new KeyRef(keyspace, key));
        }
        return keys;
    }

    private static List<KeyVersion> getKeyVersions(Reader in) {
        int count = getCount(in, Limits.EVENTUAL_RANGE_ITEMS_COUNT_MAX);
        List<KeyVersion> items = new ArrayList<>(Math.min(count, 256));
        for (int i = 0; i < count && in.problem == null; i++) {
            int keyspace = getKeyspace(in);
            byte[] key = in.getBytes(Limits.KEY_SIZE_BYTES_MAX);
            Version version = getVersion(in);
            boolean tombstone = in.getFlag();
            if (in.problem == null) items.add(new KeyVersion(keyspace, key, version, tombstone));
        }
        return items;
    }

    private static int getKeyspace(Reader in) {
        int keyspace = in.getByte();
        if (keyspace >= Limits.KEYSPACES_COUNT_MAX) in.fail("keyspace " + keyspace);
        return keyspace;
    }

    private static Version getVersion(Reader in) {
        long timestamp = in.getLong();
        int node = in.getByte();
        if (in.problem == null
                && (timestamp < 0 || timestamp > Version.TIMESTAMP_ACCEPTED_MAX)) {
            in.fail("version timestamp " + timestamp + " out of range");
        }
        if (in.problem == null && node >= Limits.REPLICAS_COUNT_MAX) {
            in.fail("version node " + node);
        }
        return in.problem == null ? new Version(timestamp, node) : Version.ZERO;
    }

    /** A growable big-endian buffer (java.io stays out of the pure packages). */
    private static final class Writer {
        private byte[] buffer;
        private int size;

        Writer(int capacity) {
            buffer = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        void putByte(int value) {
            ensure(1);
            buffer[size++] = (byte) value;
        }

        void putShort(int value) {
            putByte(value >>> 8);
            putByte(value);
        }

        void putInt(int value) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
        }

        void putLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
        }

        void putBytes(byte[] bytes) {
            putInt(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    /** Bounds-checked reads: the first problem sticks and later reads return zeros. */
    private static final class Reader {
        private final byte[] in;
        private int at;
        String problem;

        Reader(byte[] in) {
            this.in = in;
        }

        void fail(String why) {
            if (problem == null) problem = why + " at byte " + at;
        }

        private boolean has(int count) {
            if (problem != null) return false;
            if (count > in.length - at) {
                fail("truncated: need " + count + " bytes");
                return false;
            }
            return true;
        }

        int getByte() {
            return has(1) ? in[at++] & 0xff : 0;
        }

        boolean getFlag() {
            int flag = getByte();
            if (flag > 1) fail("flag " + flag);
            return flag == 1;
        }

        int getShort() {
            if (!has(2)) return 0;
            int value = ((in[at] & 0xff) << 8) | (in[at + 1] & 0xff);
            at += 2;
            return value;
        }

        int getInt() {
            if (!has(4)) return 0;
            int value = 0;
            for (int i = 0; i < 4; i++) value = (value << 8) | (in[at++] & 0xff);
            return value;
        }

        long getLong() {
            if (!has(8)) return 0;
            long value = 0;
            for (int i = 0; i < 8; i++) value = (value << 8) | (in[at++] & 0xff);
            return value;
        }

        byte[] getBytes(int max) {
            int length = getInt();
            if (problem != null) return new byte[0];
            if (length < 0 || length > max) {
                fail("length " + length + " exceeds max " + max);
                return new byte[0];
            }
            if (!has(length)) return new byte[0];
            byte[] out = Arrays.copyOfRange(in, at, at + length);
            at += length;
            return out;
        }
    }
}
