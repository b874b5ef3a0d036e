package kv.server.statemachine;

import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.statemachine.KeyspaceView.Meta;

/** Hash commands. Fields live in sub-records; the meta record keeps the field count. */
final class HashCommands {
    private HashCommands() {}

    /** The meta of a hash at key, null if absent; sets {@code wrongType[0]} on another type. */
    private static Meta hashMeta(KeyspaceView view, byte[] key, boolean[] wrongType) {
        Meta meta = view.meta(key);
        wrongType[0] = meta != null && meta.type() != KeyLayout.TYPE_HASH;
        return meta;
    }

    private static byte[] fieldKey(KeyspaceView view, byte[] key, byte[] field) {
        return KeyLayout.concat(KeyLayout.subPrefix(view.keyspace, KeyLayout.TAG_HASH_FIELD, key),
                field);
    }

    /** HSET and HMSET: returns the number of new fields (HMSET replies OK instead). */
    static Reply hset(KeyspaceView view, byte[][] args, boolean replyOk) {
        if ((args.length - 2) % 2 != 0) {
            return Reply.error("ERR wrong number of arguments for '"
                    + (replyOk ? "hmset" : "hset") + "' command");
        }
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        long count = meta == null ? 0 : meta.count();
        long added = 0;
        for (int i = 2; i < args.length; i += 2) {
            byte[] fieldKey = fieldKey(view, args[1], args[i]);
            if (view.reader.get(fieldKey) == null) added++;
            view.overlay.put(fieldKey, args[i + 1]);
        }
        view.putCount(args[1], KeyLayout.TYPE_HASH, count + added, meta);
        return replyOk ? Reply.OK : Reply.integer(added);
    }

    static Reply hsetnx(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        byte[] fieldKey = fieldKey(view, args[1], args[2]);
        if (meta != null && view.reader.get(fieldKey) != null) return Reply.ZERO;
        view.overlay.put(fieldKey, args[3]);
        view.putCount(args[1], KeyLayout.TYPE_HASH, (meta == null ? 0 : meta.count()) + 1, meta);
        return Reply.ONE;
    }

    static Reply hget(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        if (meta == null) return Reply.NIL;
        return Reply.bulk(view.reader.get(fieldKey(view, args[1], args[2])));
    }

    static Reply hmget(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        List<Reply> values = new ArrayList<>(args.length - 2);
        for (int i = 2; i < args.length; i++) {
            values.add(meta == null ? Reply.NIL
                    : Reply.bulk(view.reader.get(fieldKey(view, args[1], args[i]))));
        }
        return Reply.array(values);
    }

    static Reply hdel(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        if (meta == null) return Reply.ZERO;
        long removed = 0;
        for (int i = 2; i < args.length; i++) {
            byte[] fieldKey = fieldKey(view, args[1], args[i]);
            if (view.reader.get(fieldKey) == null) continue;
            view.overlay.delete(fieldKey);
            removed++;
        }
        if (removed > 0) view.putCount(args[1], KeyLayout.TYPE_HASH, meta.count() - removed, meta);
        return Reply.integer(removed);
    }

    static Reply hlen(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        return Reply.integer(meta == null ? 0 : meta.count());
    }

    static Reply hexists(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        boolean present = meta != null && view.reader.get(fieldKey(view, args[1], args[2])) != null;
        return present ? Reply.ONE : Reply.ZERO;
    }

    static Reply hstrlen(KeyspaceView view, byte[][] args) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        byte[] value = meta == null ? null : view.reader.get(fieldKey(view, args[1], args[2]));
        return Reply.integer(value == null ? 0 : value.length);
    }

    static Reply hincrby(KeyspaceView view, byte[][] args) {
        Long delta = Args.parseLong(args[3]);
        if (delta == null) return Reply.NOT_INTEGER;
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        byte[] fieldKey = fieldKey(view, args[1], args[2]);
        byte[] currentBytes = meta == null ? null : view.reader.get(fieldKey);
        long current = 0;
        if (currentBytes != null) {
            Long parsed = Args.parseLong(currentBytes);
            if (parsed == null) return Reply.error("ERR hash value is not an integer");
            current = parsed;
        }
        long next = current + delta;
        if (((current ^ next) & (delta ^ next)) < 0) {
            return Reply.error("ERR increment or decrement would overflow");
        }
        view.overlay.put(fieldKey, Args.ascii(Long.toString(next)));
        long count = (meta == null ? 0 : meta.count()) + (currentBytes == null ? 1 : 0);
        view.putCount(args[1], KeyLayout.TYPE_HASH, count, meta);
        return Reply.integer(next);
    }

    /** HGETALL, HKEYS, HVALS: fields in byte order. */
    static Reply list(KeyspaceView view, byte[][] args, boolean fields, boolean values) {
        boolean[] wrongType = new boolean[1];
        Meta meta = hashMeta(view, args[1], wrongType);
        if (wrongType[0]) return Reply.WRONGTYPE;
        if (meta == null) return Reply.EMPTY_ARRAY;
        long elements = meta.count() * ((fields ? 1 : 0) + (values ? 1 : 0));
        if (elements > Limits.REPLY_ELEMENTS_COUNT_MAX) {
            return Reply.error("LIMIT hash has " + meta.count() + " fields; the reply would exceed "
                    + Limits.REPLY_ELEMENTS_COUNT_MAX + " elements");
        }
        byte[] prefix = KeyLayout.subPrefix(view.keyspace, KeyLayout.TAG_HASH_FIELD, args[1]);
        List<Reply> out = new ArrayList<>((int) elements);
        try (StateCursor cursor = view.reader.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                if (fields) out.add(Reply.bulk(KeyLayout.suffix(cursor.key(), prefix.length)));
                if (values) out.add(Reply.bulk(cursor.value()));
            }
        }
        return Reply.array(out);
    }
}
