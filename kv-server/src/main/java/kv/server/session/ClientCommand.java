package kv.server.session;

import java.nio.ByteBuffer;
import kv.server.Assert;

/**
 * The envelope the server puts around an opaque command before proposing it: clientId (8
 * bytes), sequence (8 bytes), payload. The consensus core never looks inside.
 */
public final class ClientCommand {
    public static final int HEADER_SIZE_BYTES = 16;

    private ClientCommand() {}

    public static byte[] encode(long clientId, long sequence, byte[] payload) {
        return ByteBuffer.allocate(HEADER_SIZE_BYTES + payload.length)
                .putLong(clientId).putLong(sequence).put(payload).array();
    }

    public static long clientId(byte[] command) {
        Assert.that(command.length >= HEADER_SIZE_BYTES, "command of %d bytes has no header",
                command.length);
        return ByteBuffer.wrap(command).getLong(0);
    }

    public static long sequence(byte[] command) {
        Assert.that(command.length >= HEADER_SIZE_BYTES, "command of %d bytes has no header",
                command.length);
        return ByteBuffer.wrap(command).getLong(8);
    }
}
