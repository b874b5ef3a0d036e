package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kv.server.command.Command;
import kv.server.command.CommandFlag;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.statemachine.Bytes;

/**
 * Which commands eventual keyspaces serve: every string, hash and sorted-set command and the
 * key commands, except those that cannot be one versioned value per key.
 */
final class EventualCommands {
    static final Reply TRANSACTIONS_REFUSED = Reply.error("ERR MULTI, EXEC and WATCH are not "
            + "supported in eventual keyspaces (writes are merged per key by last writer wins); "
            + "use a strong keyspace for transactions");
    static final Reply FLUSHDB_REFUSED = Reply.error("ERR FLUSHDB is not supported in eventual "
            + "keyspaces; delete keys with DEL, which replicates a tombstone per key");

    private EventualCommands() {}

    /** The error a command gets in an eventual keyspace, or null when it is served. */
    static Reply refusal(Command command) {
        CommandType type = command.type();
        if (type.flag == CommandFlag.TRANSACTION) return TRANSACTIONS_REFUSED;
        if (type == CommandType.FLUSHDB) return FLUSHDB_REFUSED;
        if (type.flag == CommandFlag.CONNECTION) {
            return Reply.error("ERR " + type.wireName + " is answered by the connection, not by "
                    + "an eventual keyspace");
        }
        return null;
    }

    /** The distinct keys a command names, in unsigned byte order. */
    static List<byte[]> keysOf(Command command) {
        CommandType type = command.type();
        byte[][] args = command.args();
        TreeSet<byte[]> keys = new TreeSet<>(Bytes.ORDER);
        if (type.firstKeyIndex > 0) {
            int last = type.lastKeyIndex < 0 ? args.length + type.lastKeyIndex : type.lastKeyIndex;
            for (int i = type.firstKeyIndex; i <= last && i < args.length; i += type.keyStep) {
                keys.add(args[i]);
            }
        }
        return new ArrayList<>(keys);
    }

    /** DEL writes a tombstone even for a key absent here: a replica may still hold a value. */
    static boolean deletesEveryKey(CommandType type) {
        return type == CommandType.DEL || type == CommandType.UNLINK;
    }
}
