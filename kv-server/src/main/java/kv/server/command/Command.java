package kv.server.command;

/**
 * One client command as it is proposed and applied: the keyspace it runs in, its arguments
 * (args[0] is the name), the client session that exactly-once retries are keyed by
 * ({@code clientId == 0}: no session, a plain Redis client), and the node that proposed it with
 * its proposal number there ({@code originId}, {@code originSequence}), so that node can answer.
 */
public record Command(CommandType type, int keyspaceIndex, byte[][] args, long clientId,
                      long sequence, long originId, long originSequence) {

    public Command(CommandType type, int keyspaceIndex, byte[][] args, long clientId, long sequence) {
        this(type, keyspaceIndex, args, clientId, sequence, 0, 0);
    }

    public static Command of(CommandType type, int keyspaceIndex, byte[][] args) {
        return new Command(type, keyspaceIndex, args, 0, 0);
    }

    /** This command stamped with the proposing node's id and proposal number. */
    public Command fromOrigin(long id, long originSequenceNumber) {
        return new Command(type, keyspaceIndex, args, clientId, sequence, id, originSequenceNumber);
    }

    /** True if it carries an exactly-once session. */
    public boolean hasSession() {
        return clientId > 0;
    }

    /**
     * True for commands that do exactly one point get (GET, STRLEN, TYPE, HLEN, ZCARD, EXISTS of
     * one key): atomic on their own, so they may be answered from memory without a snapshot.
     */
    public boolean isSinglePointRead() {
        return switch (type) {
            case GET, STRLEN, TYPE, HLEN, ZCARD -> true;
            case EXISTS -> args.length == 2;
            default -> false;
        };
    }

    public int argsCount() {
        return args.length;
    }

    /** Bytes this command occupies in a log batch, for the batch size bound. */
    public int sizeBytes() {
        int size = 32;
        for (byte[] arg : args) size += 4 + arg.length;
        return size;
    }
}
