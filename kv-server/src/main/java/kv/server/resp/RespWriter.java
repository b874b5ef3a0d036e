package kv.server.resp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import kv.server.command.Reply;

/** Encodes {@link Reply} values as RESP2 into a ByteBuf, without intermediate objects. */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Pre-encoded ":n\r\n" for small integers, the most common integer replies. */
    private static final byte[][] SMALL_INTEGERS = new byte[256][];

    static {
        for (int i = 0; i < SMALL_INTEGERS.length; i++) {
            SMALL_INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private RespWriter() {}

    public static void write(Reply reply, ByteBuf out) {
        if (reply == Reply.OK) {
            out.writeBytes(OK);
            return;
        }
        if (reply instanceof Reply.Bulk bulk) {
            writeBulk(out, bulk.value());
        } else if (reply instanceof Reply.Integer integer) {
            writeInteger(out, integer.value());
        } else if (reply instanceof Reply.Simple simple) {
            writeLine(out, '+', simple.text());
        } else if (reply instanceof Reply.Error error) {
            writeLine(out, '-', error.text());
        } else if (reply instanceof Reply.Array array) {
            if (array.elements() == null) {
                out.writeBytes(NIL_ARRAY);
                return;
            }
            out.writeByte('*');
            writeDecimal(out, array.elements().size());
            for (Reply element : array.elements()) write(element, out);
        }
    }

    public static void writeBulk(ByteBuf out, byte[] value) {
        if (value == null) {
            out.writeBytes(NIL);
            return;
        }
        out.ensureWritable(value.length + 16);
        out.writeByte('$');
        writeDecimal(out, value.length);
        out.writeBytes(value);
        out.writeBytes(CRLF);
    }

    static void writeInteger(ByteBuf out, long value) {
        if (value >= 0 && value < SMALL_INTEGERS.length) {
            out.writeBytes(SMALL_INTEGERS[(int) value]);
            return;
        }
        out.writeByte(':');
        writeDecimal(out, value);
    }

    /** Simple strings and errors must be one line: CR and LF become spaces. */
    private static void writeLine(ByteBuf out, char type, String text) {
        out.writeByte(type);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.writeByte(c == '\r' || c == '\n' ? ' ' : c < 0x80 ? c : '?');
        }
        out.writeBytes(CRLF);
    }

    private static void writeDecimal(ByteBuf out, long value) {
        out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }
}
