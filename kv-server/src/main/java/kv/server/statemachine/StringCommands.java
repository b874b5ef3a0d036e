package kv.server.statemachine;

import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;
import kv.server.command.Reply;
import kv.server.statemachine.KeyspaceView.Meta;

/** String commands. Each takes the view and the full argument vector (args[0] = name). */
final class StringCommands {
    private StringCommands() {}

    static Reply get(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta == null) return Reply.NIL;
        if (meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        return Reply.bulk(meta.stringValue());
    }

    /** SET key value [NX | XX | IFEQ cmp] [GET]; EX, PX, EXAT, PXAT, KEEPTTL refused. */
    static Reply set(KeyspaceView view, byte[][] args) {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        byte[] ifEqual = null;
        for (int i = 3; i < args.length; i++) {
            byte[] option = args[i];
            if (Args.is(option, "NX") && !xx && ifEqual == null) {
                nx = true;
            } else if (Args.is(option, "XX") && !nx && ifEqual == null) {
                xx = true;
            } else if (Args.is(option, "GET")) {
                get = true;
            } else if (Args.is(option, "IFEQ") && i + 1 < args.length && !nx && !xx) {
                ifEqual = args[++i];
            } else if (Args.is(option, "EX") || Args.is(option, "PX") || Args.is(option, "EXAT")
                    || Args.is(option, "PXAT") || Args.is(option, "KEEPTTL")) {
                return Reply.error("ERR SET " + new String(option).toUpperCase()
                        + " is not supported: Synod has no key expiry yet; use SET without it");
            } else {
                return Reply.SYNTAX;
            }
        }
        Meta meta = view.meta(args[1]);
        if (meta != null && meta.type() != KeyLayout.TYPE_STRING
                && (get || ifEqual != null)) {
            return Reply.WRONGTYPE;
        }
        Reply previous = get ? (meta == null ? Reply.NIL : Reply.bulk(meta.stringValue())) : null;
        boolean allowed = !(nx && meta != null) && !(xx && meta == null)
                && (ifEqual == null
                    || (meta != null && java.util.Arrays.equals(meta.stringValue(), ifEqual)));
        if (!allowed) return get ? previous : Reply.NIL;
        overwrite(view, args[1], args[2], meta);
        return get ? previous : Reply.OK;
    }

    /** Stores a string at key, replacing whatever type was there. */
    static void overwrite(KeyspaceView view, byte[] key, byte[] value, Meta meta) {
        if (meta != null && meta.type() != KeyLayout.TYPE_STRING) {
            view.delete(key, meta);
            meta = null;
        }
        view.putString(key, value, meta);
    }

    static Reply setnx(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta != null) return Reply.ZERO;
        view.putString(args[1], args[2], null);
        return Reply.ONE;
    }

    static Reply getset(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta != null && meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        view.putString(args[1], args[2], meta);
        return meta == null ? Reply.NIL : Reply.bulk(meta.stringValue());
    }

    static Reply getdel(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta == null) return Reply.NIL;
        if (meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        view.delete(args[1], meta);
        return Reply.bulk(meta.stringValue());
    }

    static Reply mget(KeyspaceView view, byte[][] args) {
        List<Reply> values = new ArrayList<>(args.length - 1);
        for (int i = 1; i < args.length; i++) {
            Meta meta = view.meta(args[i]);
            boolean isString = meta != null && meta.type() == KeyLayout.TYPE_STRING;
            values.add(isString ? Reply.bulk(meta.stringValue()) : Reply.NIL);
        }
        return Reply.array(values);
    }

    static Reply mset(KeyspaceView view, byte[][] args) {
        for (int i = 1; i < args.length; i += 2) {
            overwrite(view, args[i], args[i + 1], view.meta(args[i]));
        }
        return Reply.OK;
    }

    static Reply msetnx(KeyspaceView view, byte[][] args) {
        for (int i = 1; i < args.length; i += 2) {
            if (view.meta(args[i]) != null) return Reply.ZERO;
        }
        for (int i = 1; i < args.length; i += 2) {
            // A key named twice: the second write sees the first through the overlay.
            view.putString(args[i], args[i + 1], view.meta(args[i]));
        }
        return Reply.ONE;
    }

    /** INCR, DECR, INCRBY, DECRBY: {@code sign} is +1 or -1; by == null means 1. */
    static Reply incrementBy(KeyspaceView view, byte[][] args, int sign) {
        long delta = 1;
        if (args.length == 3) {
            Long parsed = Args.parseLong(args[2]);
            if (parsed == null) return Reply.NOT_INTEGER;
            if (sign < 0 && parsed == Long.MIN_VALUE) {
                return Reply.error("ERR decrement would overflow");
            }
            delta = parsed;
        }
        delta *= sign;
        Meta meta = view.meta(args[1]);
        long current = 0;
        if (meta != null) {
            if (meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
            Long parsed = Args.parseLong(meta.stringValue());
            if (parsed == null) return Reply.NOT_INTEGER;
            current = parsed;
        }
        long next = current + delta;
        if (((current ^ next) & (delta ^ next)) < 0) {
            return Reply.error("ERR increment or decrement would overflow");
        }
        view.putString(args[1], Args.ascii(Long.toString(next)), meta);
        return Reply.integer(next);
    }

    static Reply append(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta != null && meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        byte[] current = meta == null ? new byte[0] : meta.stringValue();
        long length = (long) current.length + args[2].length;
        if (length > Limits.VALUE_SIZE_BYTES_MAX) {
            return Reply.error("LIMIT value size " + length + " bytes exceeds max "
                    + Limits.VALUE_SIZE_BYTES_MAX + " bytes");
        }
        byte[] next = KeyLayout.concat(current, args[2]);
        view.putString(args[1], next, meta);
        return Reply.integer(next.length);
    }

    static Reply strlen(KeyspaceView view, byte[][] args) {
        Meta meta = view.meta(args[1]);
        if (meta == null) return Reply.ZERO;
        if (meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        return Reply.integer(meta.stringLength());
    }

    static Reply getrange(KeyspaceView view, byte[][] args) {
        Long start = Args.parseLong(args[2]);
        Long end = Args.parseLong(args[3]);
        if (start == null || end == null) return Reply.NOT_INTEGER;
        Meta meta = view.meta(args[1]);
        if (meta == null) return Reply.bulk(new byte[0]);
        if (meta.type() != KeyLayout.TYPE_STRING) return Reply.WRONGTYPE;
        byte[] value = meta.stringValue();
        long length = value.length;
        long from = start < 0 ? Math.max(0, length + start) : start;
        long to = end < 0 ? length + end : Math.min(end, length - 1);
        if (from > to || length == 0 || from >= length) return Reply.bulk(new byte[0]);
        byte[] out = new byte[(int) (to - from + 1)];
        System.arraycopy(value, (int) from, out, 0, out.length);
        return Reply.bulk(out);
    }
}
