package kv.server.command;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;

/**
 * A MULTI/EXEC transaction travels through the log as one EXEC command, so every replica applies
 * it all-or-nothing at one position. Layout: {@code args = ["EXEC", watches, commands]} where
 * {@code watches = count:4 { position:8 keylen:4 key }*} and {@code commands} is a
 * {@link CommandCodec} batch of the queued commands.
 */
public record Transaction(List<Watch> watches, List<Command> commands) {

    /** A WATCHed key and the applied position when it was watched. */
    public record Watch(byte[] key, long position) {}

    public Command toCommand(int keyspaceIndex, long clientId, long sequence) {
        int size = 4;
        for (Watch watch : watches) size += 12 + watch.key().length;
        byte[] encoded = new byte[size];
        int at = CommandCodec.putInt(encoded, 0, watches.size());
        for (Watch watch : watches) {
            at = CommandCodec.putLong(encoded, at, watch.position());
            at = CommandCodec.putInt(encoded, at, watch.key().length);
            System.arraycopy(watch.key(), 0, encoded, at, watch.key().length);
            at += watch.key().length;
        }
        byte[][] args = {CommandType.EXEC.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            encoded, CommandCodec.encode(commands)};
        return new Command(CommandType.EXEC, keyspaceIndex, args, clientId, sequence);
    }

    public static Transaction fromCommand(Command command) {
        Assert.that(command.type() == CommandType.EXEC && command.args().length == 3,
                "not an encoded transaction: %s", command.type());
        byte[] encoded = command.args()[1];
        int count = readInt(encoded, 0);
        List<Watch> watches = new ArrayList<>(count);
        int at = 4;
        for (int i = 0; i < count; i++) {
            long position = ((long) readInt(encoded, at) << 32) | (readInt(encoded, at + 4) & 0xffffffffL);
            int length = readInt(encoded, at + 8);
            at += 12;
            byte[] key = new byte[length];
            System.arraycopy(encoded, at, key, 0, length);
            at += length;
            watches.add(new Watch(key, position));
        }
        return new Transaction(watches, CommandCodec.decode(command.args()[2]));
    }

    private static int readInt(byte[] in, int at) {
        Assert.that(at + 4 <= in.length, "corrupt transaction: truncated at %d", at);
        return ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8)
                | (in[at + 3] & 0xff);
    }
}
