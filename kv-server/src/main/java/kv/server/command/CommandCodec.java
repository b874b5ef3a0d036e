package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;

/**
 * Encodes a batch of commands as one log entry and back. Layout (big-endian):
 * {@code count:4 { type:2 keyspace:1 clientId:8 sequence:8 originId:8 originSequence:8 argc:4
 * { len:4 bytes }* }*}.
 * Integrity is the storage layer's job (a CRC32C over the whole record).
 */
public final class CommandCodec {
    private static final CommandType[] TYPES = CommandType.values();

    private CommandCodec() {}

    public static int encodedSize(List<Command> commands) {
        int size = 4;
        for (Command command : commands) {
            size += 2 + 1 + 8 + 8 + 8 + 8 + 4;
            for (byte[] arg : command.args()) size += 4 + arg.length;
        }
        return size;
    }

    public static byte[] encode(List<Command> commands) {
        byte[] out = new byte[encodedSize(commands)];
        int at = putInt(out, 0, commands.size());
        for (Command command : commands) {
            out[at++] = (byte) (command.type().ordinal() >>> 8);
            out[at++] = (byte) command.type().ordinal();
            out[at++] = (byte) command.keyspaceIndex();
            at = putLong(out, at, command.clientId());
            at = putLong(out, at, command.sequence());
            at = putLong(out, at, command.originId());
            at = putLong(out, at, command.originSequence());
            at = putInt(out, at, command.args().length);
            for (byte[] arg : command.args()) {
                at = putInt(out, at, arg.length);
                System.arraycopy(arg, 0, out, at, arg.length);
                at += arg.length;
            }
        }
        Assert.that(at == out.length, "encoded %d bytes of %d", at, out.length);
        return out;
    }

    /** Decodes an entry written by {@link #encode}; a malformed entry is corruption and halts. */
    public static List<Command> decode(byte[] in) {
        int[] at = {0};
        int count = getInt(in, at);
        Assert.that(count >= 0 && count <= in.length, "corrupt command batch: count %d", count);
        List<Command> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Assert.that(at[0] + 3 <= in.length, "corrupt command batch: truncated at %d", at[0]);
            int typeIndex = ((in[at[0]] & 0xff) << 8) | (in[at[0] + 1] & 0xff);
            Assert.that(typeIndex < TYPES.length, "corrupt command batch: type %d", typeIndex);
            int keyspace = in[at[0] + 2] & 0xff;
            at[0] += 3;
            long clientId = getLong(in, at);
            long sequence = getLong(in, at);
            long originId = getLong(in, at);
            long originSequence = getLong(in, at);
            int argc = getInt(in, at);
            Assert.that(argc >= 1 && argc <= in.length, "corrupt command batch: argc %d", argc);
            byte[][] args = new byte[argc][];
            for (int a = 0; a < argc; a++) {
                int length = getInt(in, at);
                Assert.that(length >= 0 && at[0] + length <= in.length,
                        "corrupt command batch: arg length %d", length);
                args[a] = new byte[length];
                System.arraycopy(in, at[0], args[a], 0, length);
                at[0] += length;
            }
            commands.add(new Command(TYPES[typeIndex], keyspace, args, clientId, sequence, originId,
                    originSequence));
        }
        Assert.that(at[0] == in.length, "corrupt command batch: %d trailing bytes",
                in.length - at[0]);
        return commands;
    }

    static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    static int putLong(byte[] out, int at, long value) {
        at = putInt(out, at, (int) (value >>> 32));
        return putInt(out, at, (int) value);
    }

    private static int getInt(byte[] in, int[] at) {
        int i = at[0];
        Assert.that(i + 4 <= in.length, "corrupt command batch: truncated at %d", i);
        at[0] = i + 4;
        return ((in[i] & 0xff) << 24) | ((in[i + 1] & 0xff) << 16) | ((in[i + 2] & 0xff) << 8)
                | (in[i + 3] & 0xff);
    }

    private static long getLong(byte[] in, int[] at) {
        long high = getInt(in, at) & 0xffffffffL;
        long low = getInt(in, at) & 0xffffffffL;
        return (high << 32) | low;
    }
}
