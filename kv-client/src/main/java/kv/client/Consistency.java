package kv.client;

import io.netty.buffer.ByteBuf;

/**
 * The consistency level of a request in an eventual keyspace (README "Eventual keyspaces"):
 * how many replicas must store a write before it is acknowledged, or answer a read before its
 * newest value is returned. {@code R + W > N} (QUORUM with QUORUM, or ONE with ALL) reads the
 * latest acknowledged write. Strong keyspaces ignore levels: every read there is linearizable.
 *
 * <p>On the wire a level is the connection's {@code CONSISTENCY} setting: a connection sends
 * {@code CONSISTENCY <level>} ahead of a request whose level differs from the one the connection
 * last set, in the same pipeline. Replies come back in order, so the request always runs at its
 * own level, and requests at the connection's current level cost nothing extra.
 */
public enum Consistency {
    /** The keyspace's configured {@code write-level} and {@code read-level}. */
    DEFAULT,
    /** One replica: the node the client talks to. */
    ONE,
    /** A majority of the replicas. */
    QUORUM,
    /** Every replica. */
    ALL;

    /** {@code CONSISTENCY <name>}, encoded once. */
    private final byte[] command = encode(name());

    void writeCommand(ByteBuf out) {
        out.writeBytes(command);
    }

    int commandSizeBytes() {
        return command.length;
    }

    private static byte[] encode(String level) {
        byte[][] args = {Resp.bytes("CONSISTENCY"), Resp.bytes(level)};
        byte[] out = new byte[Resp.encodedSizeBytes(args)];
        io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.wrappedBuffer(out);
        buffer.writerIndex(0);
        Resp.encode(args, buffer);
        return out;
    }
}
