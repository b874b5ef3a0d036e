package kv.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP2 replies into the value model of {@link Resp}. Stateless between replies: a
 * reply that is not complete yet is parsed again from its start when more bytes arrive (bulk
 * strings are checked by length, so a large value costs one header parse per read). Sizes,
 * element counts and nesting are bounded by {@link ClientLimits}; anything else is a
 * {@link ProtocolException}, after which the connection is closed.
 */
final class RespDecoder extends ByteToMessageDecoder {
    /** Returned by the parse methods when the buffer ends inside a reply. */
    static final Object INCOMPLETE = new Object();
    /**
     * Set by the first malformed reply: the framing is lost, so every byte after it is
     * discarded, including what Netty decodes once more when the connection closes (the tail of
     * "?+OK\r\n" must not answer the request behind the malformed one).
     */
    private boolean framingLost;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (framingLost) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int start = in.readerIndex();
            Object reply;
            try {
                reply = parse(in, 0);
            } catch (ProtocolException malformed) {
                framingLost = true;
                in.skipBytes(in.readableBytes());
                throw malformed;
            }
            if (reply == INCOMPLETE) {
                in.readerIndex(start);
                return;
            }
            out.add(reply == null ? Resp.NIL : reply);
        }
    }

    /** One reply, or {@link #INCOMPLETE}; null is a null bulk string or null array. */
    static Object parse(ByteBuf in, int depth) {
        if (!in.isReadable()) return INCOMPLETE;
        byte type = in.readByte();
        int lineEnd = lineEnd(in);
        if (lineEnd < 0) return INCOMPLETE;
        switch (type) {
            case '+': return line(in, lineEnd);
            case '-': return new RespError(line(in, lineEnd));
            case ':': return number(in, lineEnd);
            case '$': return bulk(in, lineEnd);
            case '*': return array(in, lineEnd, depth);
            default: throw new ProtocolException("unexpected reply type byte " + (type & 0xff));
        }
    }

    /** Index of the '\r' ending the current line, or -1; the line is bounded in length. */
    private static int lineEnd(ByteBuf in) {
        int limit = Math.min(in.writerIndex(), in.readerIndex() + ClientLimits.REPLY_LINE_SIZE_BYTES_MAX);
        int cr = in.indexOf(in.readerIndex(), limit, (byte) '\r');
        if (cr < 0) {
            if (limit - in.readerIndex() >= ClientLimits.REPLY_LINE_SIZE_BYTES_MAX) {
                throw new ProtocolException("reply line longer than "
                        + ClientLimits.REPLY_LINE_SIZE_BYTES_MAX + " bytes");
            }
            return -1;
        }
        if (cr + 1 >= in.writerIndex()) return -1;
        if (in.getByte(cr + 1) != '\n') throw new ProtocolException("line not ended by CRLF");
        return cr;
    }

    private static String line(ByteBuf in, int lineEnd) {
        String text = in.toString(in.readerIndex(), lineEnd - in.readerIndex(), StandardCharsets.UTF_8);
        in.readerIndex(lineEnd + 2);
        return text;
    }

    private static long number(ByteBuf in, int lineEnd) {
        int index = in.readerIndex();
        boolean negative = in.getByte(index) == '-';
        if (negative) index++;
        if (index == lineEnd) throw new ProtocolException("empty integer");
        long value = 0;
        for (; index < lineEnd; index++) {
            int digit = in.getByte(index) - '0';
            if (digit < 0 || digit > 9) throw new ProtocolException("bad digit in integer");
            if (value > (Long.MAX_VALUE - digit) / 10) throw new ProtocolException("integer overflow");
            value = value * 10 + digit;
        }
        in.readerIndex(lineEnd + 2);
        return negative ? -value : value;
    }

    private static Object bulk(ByteBuf in, int lineEnd) {
        long length = number(in, lineEnd);
        if (length == -1) return null;
        if (length < 0 || length > ClientLimits.REPLY_BULK_SIZE_BYTES_MAX) {
            throw new ProtocolException("bulk length " + length + " bytes outside 0.."
                    + ClientLimits.REPLY_BULK_SIZE_BYTES_MAX);
        }
        if (in.readableBytes() < length + 2) return INCOMPLETE;
        byte[] value = new byte[(int) length];
        in.readBytes(value);
        if (in.readByte() != '\r' || in.readByte() != '\n') {
            throw new ProtocolException("bulk string not ended by CRLF");
        }
        return value;
    }

    private static Object array(ByteBuf in, int lineEnd, int depth) {
        long count = number(in, lineEnd);
        if (count == -1) return null;
        if (count < 0 || count > ClientLimits.REPLY_ARRAY_COUNT_MAX) {
            throw new ProtocolException("array count " + count + " outside 0.."
                    + ClientLimits.REPLY_ARRAY_COUNT_MAX);
        }
        if (depth >= ClientLimits.REPLY_NESTING_DEPTH_MAX) {
            throw new ProtocolException("arrays nested deeper than " + ClientLimits.REPLY_NESTING_DEPTH_MAX);
        }
        List<Object> elements = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
            Object element = parse(in, depth + 1);
            if (element == INCOMPLETE) return INCOMPLETE;
            elements.add(element);
        }
        return elements;
    }
}
