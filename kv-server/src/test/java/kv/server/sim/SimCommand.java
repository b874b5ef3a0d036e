package kv.server.sim;

import java.nio.ByteBuffer;

/**
 * The payload of a simulated client command inside the session envelope: SET of a register to a
 * value unique in the run, or GET of a register through the log. Few keys, so that each key's
 * history is long enough to interleave writers and readers and short enough for the
 * linearizability search.
 */
final class SimCommand {
    /** Registers in the simulated keyspace. */
    static final int KEYS_COUNT = 3;

    private static final byte SET = 1;
    private static final byte GET = 2;
    private static final int SIZE_BYTES = 10;

    private SimCommand() {}

    static byte[] set(int key, long value) {
        return ByteBuffer.allocate(SIZE_BYTES).put(SET).put((byte) key).putLong(value).array();
    }

    static byte[] get(int key) {
        return ByteBuffer.allocate(SIZE_BYTES).put(GET).put((byte) key).array();
    }

    /** The payload behind the 16-byte session header of a client command. */
    static boolean isGet(byte[] command) {
        return command[kv.server.session.ClientCommand.HEADER_SIZE_BYTES] == GET;
    }

    static int key(byte[] command) {
        return command[kv.server.session.ClientCommand.HEADER_SIZE_BYTES + 1];
    }

    /** The key of a bare payload (no session header), as a local read carries it. */
    static int payloadKey(byte[] payload) {
        return payload[1];
    }

    static long value(byte[] command) {
        return ByteBuffer.wrap(command).getLong(kv.server.session.ClientCommand.HEADER_SIZE_BYTES
                + 2);
    }

    /**
     * A value no other write of the run uses, readable in reports: the session (client id) less
     * 999, then the sequence in six digits (2000017 is client 1's 17th command in its first
     * session, 1002000003 its 3rd in its second).
     */
    static long uniqueValue(long clientId, long sequence) {
        return (clientId - 999) * SEQUENCES_PER_CLIENT_MAX + sequence;
    }

    /** Sequences per client a run may use before {@link #uniqueValue} would collide. */
    private static final long SEQUENCES_PER_CLIENT_MAX = 1_000_000;
}
