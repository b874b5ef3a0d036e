package kv.server.command;

/**
 * One client command as it is proposed and applied: the keyspace it runs in, its arguments
 * (args[0] is the name) and the client session that exactly-once retries are keyed by
 * ({@code clientId == 0}: no session, a plain Redis client).
 */
public record Command(CommandType type, int keyspaceIndex, byte[][] args, long clientId,
                      long sequence) {

    public static Command of(CommandType type, int keyspaceIndex, byte[][] args) {
        return new Command(type, keyspaceIndex, args, 0, 0);
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
