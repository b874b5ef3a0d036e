package kv.server.command;

import static kv.server.command.CommandFlag.CONNECTION;
import static kv.server.command.CommandFlag.READ;
import static kv.server.command.CommandFlag.TRANSACTION;
import static kv.server.command.CommandFlag.WRITE;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command table, as data (after redis {@code src/commands/*.json}). Arity follows Redis: a
 * positive number is exact, a negative one is a minimum, both counting the command name. Key
 * positions (first, last, step; last -1 = to the end) feed {@code COMMAND} and the key checks.
 */
public enum CommandType {
    // Connection and server.
    PING(-1, CONNECTION, 0, 0, 0),
    ECHO(2, CONNECTION, 0, 0, 0),
    QUIT(-1, CONNECTION, 0, 0, 0),
    SELECT(2, CONNECTION, 0, 0, 0),
    HELLO(-1, CONNECTION, 0, 0, 0),
    CLIENT(-2, CONNECTION, 0, 0, 0),
    COMMAND(-1, CONNECTION, 0, 0, 0),
    CONFIG(-2, CONNECTION, 0, 0, 0),
    INFO(-1, CONNECTION, 0, 0, 0),
    AUTH(-2, CONNECTION, 0, 0, 0),
    /** SESSION clientId sequence command [args...]: exactly-once execution (kv-client). */
    SESSION(-4, CONNECTION, 0, 0, 0),
    /** CONSISTENCY [ONE|QUORUM|ALL|DEFAULT]: this connection's level in eventual keyspaces. */
    CONSISTENCY(-1, CONNECTION, 0, 0, 0),
    /** SYNOD MEMBERS: the cluster's members and roles (kv-client discovery). */
    SYNOD(-2, CONNECTION, 0, 0, 0),
    // Transactions.
    MULTI(1, TRANSACTION, 0, 0, 0),
    EXEC(1, TRANSACTION, 0, 0, 0),
    DISCARD(1, TRANSACTION, 0, 0, 0),
    WATCH(-2, TRANSACTION, 1, -1, 1),
    UNWATCH(1, TRANSACTION, 0, 0, 0),
    // Keys and strings.
    GET(2, READ, 1, 1, 1),
    SET(-3, WRITE, 1, 1, 1),
    SETNX(3, WRITE, 1, 1, 1),
    GETSET(3, WRITE, 1, 1, 1),
    GETDEL(2, WRITE, 1, 1, 1),
    DEL(-2, WRITE, 1, -1, 1),
    UNLINK(-2, WRITE, 1, -1, 1),
    EXISTS(-2, READ, 1, -1, 1),
    MGET(-2, READ, 1, -1, 1),
    MSET(-3, WRITE, 1, -1, 2),
    MSETNX(-3, WRITE, 1, -1, 2),
    INCR(2, WRITE, 1, 1, 1),
    INCRBY(3, WRITE, 1, 1, 1),
    DECR(2, WRITE, 1, 1, 1),
    DECRBY(3, WRITE, 1, 1, 1),
    APPEND(3, WRITE, 1, 1, 1),
    STRLEN(2, READ, 1, 1, 1),
    GETRANGE(4, READ, 1, 1, 1),
    DBSIZE(1, READ, 0, 0, 0),
    SCAN(-2, READ, 0, 0, 0),
    KEYS(2, READ, 0, 0, 0),
    FLUSHDB(-1, WRITE, 0, 0, 0),
    TYPE(2, READ, 1, 1, 1),
    // Hashes.
    HSET(-4, WRITE, 1, 1, 1),
    HSETNX(4, WRITE, 1, 1, 1),
    HGET(3, READ, 1, 1, 1),
    HMSET(-4, WRITE, 1, 1, 1),
    HMGET(-3, READ, 1, 1, 1),
    HGETALL(2, READ, 1, 1, 1),
    HDEL(-3, WRITE, 1, 1, 1),
    HLEN(2, READ, 1, 1, 1),
    HEXISTS(3, READ, 1, 1, 1),
    HINCRBY(4, WRITE, 1, 1, 1),
    HKEYS(2, READ, 1, 1, 1),
    HVALS(2, READ, 1, 1, 1),
    HSTRLEN(3, READ, 1, 1, 1),
    // Sorted sets.
    ZADD(-4, WRITE, 1, 1, 1),
    ZREM(-3, WRITE, 1, 1, 1),
    ZSCORE(3, READ, 1, 1, 1),
    ZCARD(2, READ, 1, 1, 1),
    ZRANGE(-4, READ, 1, 1, 1),
    ZRANGEBYSCORE(-4, READ, 1, 1, 1),
    ZRANK(-3, READ, 1, 1, 1),
    ZINCRBY(4, WRITE, 1, 1, 1);

    public final String wireName;
    public final int arity;
    public final CommandFlag flag;
    public final int firstKeyIndex;
    public final int lastKeyIndex;
    public final int keyStep;

    CommandType(int arity, CommandFlag flag, int firstKeyIndex, int lastKeyIndex, int keyStep) {
        this.wireName = name().toLowerCase(Locale.ROOT);
        this.arity = arity;
        this.flag = flag;
        this.firstKeyIndex = firstKeyIndex;
        this.lastKeyIndex = lastKeyIndex;
        this.keyStep = keyStep;
    }

    /** Longest command name; longer names are unknown without looking. */
    private static final int NAME_LENGTH_MAX = 16;
    /**
     * Candidates by (name length, first letter), so a lookup compares a few names byte by byte
     * and allocates nothing: it runs once per request on the network thread.
     */
    private static final CommandType[][] BY_LENGTH_AND_FIRST = new CommandType[(NAME_LENGTH_MAX + 1) * 32][];
    private static final byte[][] UPPER_NAMES = new byte[values().length][];

    static {
        Map<Integer, java.util.List<CommandType>> buckets = new TreeMap<>();
        for (CommandType type : values()) {
            byte[] upper = type.name().getBytes(StandardCharsets.US_ASCII);
            kv.server.Assert.that(upper.length <= NAME_LENGTH_MAX, "command name %s too long", type.name());
            UPPER_NAMES[type.ordinal()] = upper;
            buckets.computeIfAbsent(bucket(upper.length, upper[0]), b -> new java.util.ArrayList<>()).add(type);
        }
        for (Map.Entry<Integer, java.util.List<CommandType>> entry : buckets.entrySet()) {
            BY_LENGTH_AND_FIRST[entry.getKey()] = entry.getValue().toArray(new CommandType[0]);
        }
    }

    private static int bucket(int length, byte first) {
        return length * 32 + (first & 0x1f); // 'a' and 'A' share their low five bits
    }

    /** The command named by {@code name} (any case), or null. */
    public static CommandType lookup(byte[] name) {
        if (name.length == 0 || name.length > NAME_LENGTH_MAX) return null;
        CommandType[] candidates = BY_LENGTH_AND_FIRST[bucket(name.length, name[0])];
        if (candidates == null) return null;
        for (CommandType candidate : candidates) {
            if (equalsIgnoreCase(name, UPPER_NAMES[candidate.ordinal()])) return candidate;
        }
        return null;
    }

    private static boolean equalsIgnoreCase(byte[] name, byte[] upper) {
        for (int i = 0; i < name.length; i++) {
            int c = name[i] & 0xff;
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upper[i]) return false;
        }
        return true;
    }

    public boolean arityAccepts(int argsCount) {
        return arity >= 0 ? argsCount == arity : argsCount >= -arity;
    }

    public boolean isWrite() {
        return flag == WRITE;
    }

    public static String nameOf(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }
}
