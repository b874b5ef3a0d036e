package kv.server.statemachine;

import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.statemachine.KeyspaceView.Meta;

/** Commands on keys of any type: DEL, EXISTS, TYPE, DBSIZE, KEYS, SCAN, FLUSHDB. */
final class KeyCommands {
    private KeyCommands() {}

    static Reply delete(KeyspaceView view, byte[][] args) {
        long deleted = 0;
        for (int i = 1; i < args.length; i++) {
            Meta meta = view.meta(args[i]);
            if (meta == null) continue;
            view.delete(args[i], meta);
            deleted++;
        }
        return Reply.integer(deleted);
    }

    static Reply exists(KeyspaceView view, byte[][] args) {
        long found = 0;
        for (int i = 1; i < args.length; i++) {
            if (view.meta(args[i]) != null) found++;
        }
        return Reply.integer(found);
    }

    static Reply type(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        return new Reply.Simple(meta == null ? "none" : typeName(meta.type()));
    }

    static String typeName(byte type) {
        return switch (type) {
            case KeyLayout.TYPE_STRING -> "string";
            case KeyLayout.TYPE_HASH -> "hash";
            case KeyLayout.TYPE_ZSET -> "zset";
            default -> throw new kv.server.InvariantViolation("corrupt meta type " + type);
        };
    }

    static Reply dbsize(KeyspaceView view) {
        return Reply.integer(view.keyCount());
    }

    static Reply flushdb(KeyspaceView view, byte[][] args) {
        if (args.length > 2 || (args.length == 2 && !Args.is(args[1], "SYNC")
                && !Args.is(args[1], "ASYNC"))) {
            return Reply.SYNTAX;
        }
        view.deleteAll();
        return Reply.OK;
    }

    static Reply keys(KeyspaceView view, byte[][] args) {
        byte[] prefix = KeyLayout.tagPrefix(view.keyspace, KeyLayout.TAG_META);
        List<Reply> found = new ArrayList<>();
        try (StateCursor cursor = view.reader.scan(prefix, Bytes.prefixEnd(prefix))) {
            for (; cursor.valid(); cursor.next()) {
                byte[] key = KeyLayout.userKeyOfMeta(cursor.key());
                if (!GlobPattern.matches(args[1], key)) continue;
                if (found.size() == Limits.REPLY_ELEMENTS_COUNT_MAX) {
                    return Reply.error("LIMIT KEYS matched more than "
                            + Limits.REPLY_ELEMENTS_COUNT_MAX + " keys; use SCAN");
                }
                found.add(Reply.bulk(key));
            }
        }
        return Reply.array(found);
    }

    /**
     * SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. Keys are visited in the order of a fixed
     * 64-bit hash; the cursor is the hash to resume at, so cursors are stateless, work on every
     * node, and every key present for the whole iteration is returned.
     */
    static Reply scan(KeyspaceView view, byte[][] args) {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(new String(args[1], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return Reply.error("ERR invalid cursor");
        }
        byte[] match = null;
        byte[] type = null;
        long count = Limits.SCAN_COUNT_DEFAULT;
        for (int i = 2; i < args.length; i += 2) {
            if (i + 1 >= args.length) return Reply.SYNTAX;
            if (Args.is(args[i], "MATCH")) {
                match = args[i + 1];
            } else if (Args.is(args[i], "COUNT")) {
                Long parsed = Args.parseLong(args[i + 1]);
                if (parsed == null) return Reply.NOT_INTEGER;
                if (parsed < 1) return Reply.SYNTAX;
                count = Math.min(parsed, Limits.SCAN_COUNT_MAX);
            } else if (Args.is(args[i], "TYPE")) {
                type = args[i + 1];
            } else {
                return Reply.SYNTAX;
            }
        }
        byte[] prefix = KeyLayout.tagPrefix(view.keyspace, KeyLayout.TAG_SCAN_ORDER);
        byte[] from = KeyLayout.concat(prefix, Bytes.ofLong(cursor));
        List<Reply> found = new ArrayList<>();
        long next = 0;
        long examined = 0;
        long lastHash = 0;
        try (StateCursor it = view.reader.scan(from, Bytes.prefixEnd(prefix))) {
            for (; it.valid(); it.next()) {
                long hash = Bytes.getLong(it.key(), 2);
                // Stop only between hash groups, so resuming at a hash skips nothing.
                if (examined >= count && hash != lastHash) {
                    next = hash;
                    break;
                }
                examined++;
                lastHash = hash;
                byte[] key = KeyLayout.suffix(it.key(), 10);
                if (match != null && !GlobPattern.matches(match, key)) continue;
                if (type != null && !matchesType(view, key, type)) continue;
                found.add(Reply.bulk(key));
            }
        }
        return Reply.array(List.of(Reply.bulk(Long.toUnsignedString(next)), Reply.array(found)));
    }

    private static boolean matchesType(KeyspaceView view, byte[] key, byte[] type) {
        Meta meta = view.meta(key);
        return meta != null && Args.is(type, typeName(meta.type()).toUpperCase());
    }
}
