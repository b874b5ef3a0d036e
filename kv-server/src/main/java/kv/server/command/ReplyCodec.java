package kv.server.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;

/**
 * A compact binary form of {@link Reply}, so the session table can keep a command's first result
 * and answer a retry with it. Layout: tag:1 then per tag — simple/error: len:4 utf8; integer: 8;
 * bulk: len:4 (-1 nil) bytes; array: count:4 (-1 nil) elements.
 */
public final class ReplyCodec {
    private static final byte SIMPLE = 1;
    private static final byte ERROR = 2;
    private static final byte INTEGER = 3;
    private static final byte BULK = 4;
    private static final byte ARRAY = 5;

    private ReplyCodec() {}

    public static byte[] encode(Reply reply) {
        ByteBuffer out = ByteBuffer.allocate(size(reply));
        put(out, reply);
        return out.array();
    }

    private static int size(Reply reply) {
        if (reply instanceof Reply.Simple simple) return 5 + utf8(simple.text()).length;
        if (reply instanceof Reply.Error error) return 5 + utf8(error.text()).length;
        if (reply instanceof Reply.Integer) return 9;
        if (reply instanceof Reply.Bulk bulk) return 5 + (bulk.value() == null ? 0 : bulk.value().length);
        Reply.Array array = (Reply.Array) reply;
        int size = 5;
        if (array.elements() != null) for (Reply element : array.elements()) size += size(element);
        return size;
    }

    private static void put(ByteBuffer out, Reply reply) {
        if (reply instanceof Reply.Simple simple) {
            putText(out.put(SIMPLE), simple.text());
        } else if (reply instanceof Reply.Error error) {
            putText(out.put(ERROR), error.text());
        } else if (reply instanceof Reply.Integer integer) {
            out.put(INTEGER).putLong(integer.value());
        } else if (reply instanceof Reply.Bulk bulk) {
            out.put(BULK).putInt(bulk.value() == null ? -1 : bulk.value().length);
            if (bulk.value() != null) out.put(bulk.value());
        } else {
            Reply.Array array = (Reply.Array) reply;
            out.put(ARRAY).putInt(array.elements() == null ? -1 : array.elements().size());
            if (array.elements() != null) for (Reply element : array.elements()) put(out, element);
        }
    }

    private static void putText(ByteBuffer out, String text) {
        byte[] bytes = utf8(text);
        out.putInt(bytes.length).put(bytes);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Decodes what {@link #encode} wrote; anything else is corruption of replicated state. */
    public static Reply decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        Reply reply = get(in);
        Assert.that(!in.hasRemaining(), "corrupt stored reply: %d trailing bytes", in.remaining());
        return reply;
    }

    private static Reply get(ByteBuffer in) {
        byte tag = in.get();
        switch (tag) {
            case SIMPLE:
                return new Reply.Simple(getText(in));
            case ERROR:
                return new Reply.Error(getText(in));
            case INTEGER:
                return Reply.integer(in.getLong());
            case BULK: {
                int length = in.getInt();
                if (length < 0) return Reply.NIL;
                byte[] value = new byte[length];
                in.get(value);
                return new Reply.Bulk(value);
            }
            case ARRAY: {
                int count = in.getInt();
                if (count < 0) return Reply.NIL_ARRAY;
                Assert.that(count <= in.remaining(), "corrupt stored reply: %d elements", count);
                List<Reply> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++) elements.add(get(in));
                return Reply.array(elements);
            }
            default:
                throw new kv.server.InvariantViolation("corrupt stored reply: tag " + tag);
        }
    }

    private static String getText(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
