package kv.client;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * RESP2 encoding of commands and the reply value model. Replies decode to: {@link String}
 * (simple string), {@link RespError}, {@link Long} (integer), {@code byte[]} (bulk string),
 * {@link java.util.List} (array; elements may be null) and {@link #NIL} at the top level for a
 * null bulk string or null array (Netty's decoder output cannot carry null).
 */
final class Resp {
    static final Object NIL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };

    private static final byte[] CRLF = {'\r', '\n'};

    private Resp() {}

    /** The encoded size of a command: "*n\r\n" then "$len\r\n<bytes>\r\n" per argument. */
    static int encodedSizeBytes(byte[][] args) {
        int size = 1 + digitsCount(args.length) + 2;
        for (byte[] arg : args) size += 1 + digitsCount(arg.length) + 2 + arg.length + 2;
        return size;
    }

    static void encode(byte[][] args, ByteBuf out) {
        out.writeByte('*');
        writeDecimal(args.length, out);
        out.writeBytes(CRLF);
        for (byte[] arg : args) {
            out.writeByte('$');
            writeDecimal(arg.length, out);
            out.writeBytes(CRLF);
            out.writeBytes(arg);
            out.writeBytes(CRLF);
        }
    }

    static int digitsCount(long value) {
        int count = 1;
        while (value >= 10) {
            value /= 10;
            count++;
        }
        return count;
    }

    private static void writeDecimal(int value, ByteBuf out) {
        if (value < 10) {
            out.writeByte('0' + value);
            return;
        }
        byte[] digits = new byte[digitsCount(value)];
        for (int i = digits.length - 1; i >= 0; i--) {
            digits[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        out.writeBytes(digits);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** A reply for messages: bulk strings as text, arrays element-wise. */
    static String show(Object reply) {
        if (reply instanceof byte[] bulk) return "\"" + text(bulk) + "\"";
        if (reply instanceof java.util.List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Object element : list) {
                if (out.length() > 1) out.append(", ");
                out.append(element == null ? "(nil)" : show(element));
            }
            return out.append(']').toString();
        }
        return String.valueOf(reply);
    }
}
