package kv.server.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kv.server.command.Command;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.command.Transaction;
import org.junit.jupiter.api.Test;

/**
 * Redis command semantics of the deterministic state machine, checked against what Redis 7
 * answers for the same commands (redis.io command reference).
 */
class KvStateMachineTest {
    private final StateMachineHarness h = new StateMachineHarness();

    @Test
    void setOptionsFollowRedis() {
        assertThat(h.text("SET", "k", "v1")).isEqualTo("OK");
        assertThat(h.text("SET", "k", "v2", "NX")).isNull();
        assertThat(h.text("SET", "absent", "v", "XX")).isNull();
        assertThat(h.text("SET", "k", "v3", "XX", "GET")).isEqualTo("v1");
        assertThat(h.text("SET", "k", "v4", "IFEQ", "nope")).isNull();
        assertThat(h.text("SET", "k", "v4", "IFEQ", "v3")).isEqualTo("OK");
        assertThat(h.text("GET", "k")).isEqualTo("v4");
        assertThat(h.text("SET", "missing", "v", "IFEQ", "x")).isNull();
        assertThat(h.text("SET", "k", "v", "EX", "10")).startsWith("-ERR SET EX is not supported");
        assertThat(h.text("SET", "k", "v", "NX", "XX")).isEqualTo("-ERR syntax error");
        assertThat(h.text("GET", "k")).isEqualTo("v4");
    }

    @Test
    void integersOverflowAndParseStrictly() {
        assertThat(h.text("INCR", "n")).isEqualTo("1");
        assertThat(h.text("INCRBY", "n", "41")).isEqualTo("42");
        assertThat(h.text("DECRBY", "n", "2")).isEqualTo("40");
        assertThat(h.text("DECR", "n")).isEqualTo("39");
        h.run("SET", "big", Long.toString(Long.MAX_VALUE));
        assertThat(h.text("INCR", "big")).startsWith("-ERR increment or decrement would overflow");
        h.run("SET", "s", "12a");
        assertThat(h.text("INCR", "s")).isEqualTo("-ERR value is not an integer or out of range");
        h.run("SET", "lead", "007");
        assertThat(h.text("INCR", "lead")).startsWith("-ERR value is not an integer");
        assertThat(h.text("INCRBY", "n", "x")).startsWith("-ERR value is not an integer");
        assertThat(h.text("GET", "s")).isEqualTo("12a");
    }

    @Test
    void stringRangesAndAppend() {
        assertThat(h.text("APPEND", "a", "Hello")).isEqualTo("5");
        assertThat(h.text("APPEND", "a", " World")).isEqualTo("11");
        assertThat(h.text("STRLEN", "a")).isEqualTo("11");
        assertThat(h.text("GETRANGE", "a", "0", "4")).isEqualTo("Hello");
        assertThat(h.text("GETRANGE", "a", "-5", "-1")).isEqualTo("World");
        assertThat(h.text("GETRANGE", "a", "5", "2")).isEqualTo("");
        assertThat(h.text("GETRANGE", "a", "0", "100")).isEqualTo("Hello World");
        assertThat(h.text("GETRANGE", "none", "0", "1")).isEqualTo("");
        assertThat(h.text("GETSET", "a", "x")).isEqualTo("Hello World");
        assertThat(h.text("GETDEL", "a")).isEqualTo("x");
        assertThat(h.text("EXISTS", "a")).isEqualTo("0");
    }

    @Test
    void multiKeyCommands() {
        assertThat(h.text("MSET", "a", "1", "b", "2")).isEqualTo("OK");
        assertThat(h.text("MGET", "a", "b", "c")).isEqualTo("[1, 2, null]");
        assertThat(h.text("MSETNX", "c", "3", "a", "9")).isEqualTo("0");
        assertThat(h.text("GET", "c")).isNull();
        assertThat(h.text("MSETNX", "c", "3", "d", "4")).isEqualTo("1");
        assertThat(h.text("EXISTS", "a", "a", "zz")).isEqualTo("2");
        assertThat(h.text("DEL", "a", "b", "zz")).isEqualTo("2");
        assertThat(h.text("DBSIZE")).isEqualTo("2");
        assertThat(h.text("MSET", "a", "1", "b")).startsWith("-ERR wrong number of arguments");
    }

    @Test
    void wrongTypeIsReportedAndChangesNothing() {
        h.run("HSET", "h", "f", "v");
        assertThat(h.text("GET", "h")).startsWith("-WRONGTYPE");
        assertThat(h.text("INCR", "h")).startsWith("-WRONGTYPE");
        assertThat(h.text("ZADD", "h", "1", "m")).startsWith("-WRONGTYPE");
        assertThat(h.text("HGET", "h", "f")).isEqualTo("v");
        assertThat(h.text("TYPE", "h")).isEqualTo("hash");
        assertThat(h.text("SET", "h", "plain")).isEqualTo("OK"); // SET overwrites any type
        assertThat(h.text("TYPE", "h")).isEqualTo("string");
        assertThat(h.text("HGETALL", "h")).startsWith("-WRONGTYPE");
        assertThat(h.text("DBSIZE")).isEqualTo("1");
    }

    @Test
    void hashes() {
        assertThat(h.text("HSET", "h", "a", "1", "b", "2")).isEqualTo("2");
        assertThat(h.text("HSET", "h", "a", "10", "c", "3")).isEqualTo("1");
        assertThat(h.text("HMSET", "h", "d", "4")).isEqualTo("OK");
        assertThat(h.text("HGETALL", "h")).isEqualTo("[a, 10, b, 2, c, 3, d, 4]");
        assertThat(h.text("HKEYS", "h")).isEqualTo("[a, b, c, d]");
        assertThat(h.text("HVALS", "h")).isEqualTo("[10, 2, 3, 4]");
        assertThat(h.text("HLEN", "h")).isEqualTo("4");
        assertThat(h.text("HMGET", "h", "a", "zz")).isEqualTo("[10, null]");
        assertThat(h.text("HEXISTS", "h", "b")).isEqualTo("1");
        assertThat(h.text("HINCRBY", "h", "a", "5")).isEqualTo("15");
        assertThat(h.text("HINCRBY", "h", "new", "5")).isEqualTo("5");
        assertThat(h.text("HDEL", "h", "a", "b", "zz")).isEqualTo("2");
        assertThat(h.text("HSETNX", "h", "c", "x")).isEqualTo("0");
        assertThat(h.text("HLEN", "h")).isEqualTo("3");
        assertThat(h.text("HDEL", "h", "c", "d", "new")).isEqualTo("3");
        assertThat(h.text("EXISTS", "h")).isEqualTo("0"); // an empty hash is deleted
        assertThat(h.text("HSET", "h", "a")).startsWith("-ERR wrong number of arguments");
        assertThat(h.state.size()).isEqualTo(2); // no field records left: only the keyspace counters
    }

    @Test
    void sortedSets() {
        assertThat(h.text("ZADD", "z", "1", "a", "2", "b", "3", "c")).isEqualTo("3");
        assertThat(h.text("ZADD", "z", "CH", "5", "a", "2", "b")).isEqualTo("1");
        assertThat(h.text("ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("[b, 2, c, 3, a, 5]");
        assertThat(h.text("ZRANGE", "z", "0", "0", "REV")).isEqualTo("[a]");
        assertThat(h.text("ZRANGE", "z", "1", "2", "BYSCORE")).isEqualTo("[b]");
        assertThat(h.text("ZRANGEBYSCORE", "z", "(2", "+inf")).isEqualTo("[c, a]");
        assertThat(h.text("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "1")).isEqualTo("[c]");
        assertThat(h.text("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"))
                .isEqualTo("[a, c]");
        assertThat(h.text("ZRANK", "z", "a")).isEqualTo("2");
        assertThat(h.text("ZRANK", "z", "a", "WITHSCORE")).isEqualTo("[2, 5]");
        assertThat(h.text("ZRANK", "z", "nope")).isNull();
        assertThat(h.text("ZSCORE", "z", "b")).isEqualTo("2");
        assertThat(h.text("ZADD", "z", "XX", "INCR", "1.5", "b")).isEqualTo("3.5");
        assertThat(h.text("ZADD", "z", "NX", "INCR", "1", "b")).isNull();
        assertThat(h.text("ZADD", "z", "GT", "1", "c")).isEqualTo("0");
        assertThat(h.text("ZSCORE", "z", "c")).isEqualTo("3");
        assertThat(h.text("ZADD", "z", "NX", "XX", "1", "c")).startsWith("-ERR XX and NX");
        assertThat(h.text("ZADD", "z", "nan", "c")).isEqualTo("-ERR value is not a valid float");
        assertThat(h.text("ZINCRBY", "z", "-10", "a")).isEqualTo("-5");
        assertThat(h.text("ZRANGE", "z", "0", "0")).isEqualTo("[a]");
        assertThat(h.text("ZCARD", "z")).isEqualTo("3");
        assertThat(h.text("ZREM", "z", "a", "b", "zz")).isEqualTo("2");
        assertThat(h.text("ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("[c, 3]");
        assertThat(h.text("ZADD", "z", "-inf", "low", "inf", "high")).isEqualTo("2");
        assertThat(h.text("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("[low, -inf, c, 3, high, inf]");
    }

    @Test
    void negativeScoresSortNumerically() {
        h.run("ZADD", "z", "-1.5", "m1", "-100", "m2", "0", "m3", "-0", "m4", "2e3", "m5");
        assertThat(h.text("ZRANGE", "z", "0", "-1")).isEqualTo("[m2, m1, m3, m4, m5]");
        assertThat(h.text("ZRANGEBYSCORE", "z", "-100", "(0")).isEqualTo("[m2, m1]");
    }

    @Test
    void scanReturnsEveryKeyOnceAcrossCursors() {
        for (int i = 0; i < 500; i++) h.run("SET", "key:" + i, "v");
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            Reply.Array reply = (Reply.Array) h.run("SCAN", cursor, "COUNT", "7");
            cursor = StateMachineHarness.text(reply.elements().get(0));
            for (Reply key : ((Reply.Array) reply.elements().get(1)).elements()) {
                assertThat(seen.add(StateMachineHarness.text(key))).isTrue();
            }
            calls++;
        } while (!cursor.equals("0") && calls < 1000);
        assertThat(seen).hasSize(500);
        assertThat(h.text("SCAN", "0", "MATCH", "key:1?", "COUNT", "1000"))
                .contains("key:10").doesNotContain("key:1,").doesNotContain("key:100");
        assertThat(h.text("SCAN", "abc")).isEqualTo("-ERR invalid cursor");
    }

    @Test
    void keysMatchesGlobs() {
        h.run("MSET", "one", "1", "two", "2", "three", "3");
        assertThat(h.text("KEYS", "t*")).isEqualTo("[three, two]");
        assertThat(h.text("KEYS", "?ne")).isEqualTo("[one]");
        assertThat(h.text("KEYS", "*")).isEqualTo("[one, three, two]");
    }

    @Test
    void flushdbClearsOnlyItsKeyspace() {
        h.run("SET", "a", "1");
        h.run("HSET", "h", "f", "v");
        h.keyspace = 1;
        h.run("SET", "a", "other");
        h.keyspace = 0;
        assertThat(h.text("FLUSHDB")).isEqualTo("OK");
        assertThat(h.text("DBSIZE")).isEqualTo("0");
        assertThat(h.text("HGET", "h", "f")).isNull();
        h.keyspace = 1;
        assertThat(h.text("GET", "a")).isEqualTo("other");
        assertThat(h.text("DBSIZE")).isEqualTo("1");
    }

    @Test
    void transactionAppliesAllOrAbortsOnWatchedChange() {
        h.run("SET", "balance", "10");
        long watchedAt = h.slot;
        Command tx = transaction(List.of(new Transaction.Watch(bytes("balance"), watchedAt)),
                command("DECRBY", "balance", "3"), command("INCR", "spent"), command("GET", "balance"));
        assertThat(StateMachineHarness.text(h.apply(List.of(tx)).get(0))).isEqualTo("[7, 1, 7]");

        long staleWatch = h.slot;
        h.run("SET", "balance", "100"); // a concurrent writer changes the watched key
        Command aborted = transaction(List.of(new Transaction.Watch(bytes("balance"), staleWatch)),
                command("SET", "balance", "0"));
        assertThat(h.apply(List.of(aborted)).get(0)).isEqualTo(Reply.NIL_ARRAY);
        assertThat(h.text("GET", "balance")).isEqualTo("100");
    }

    @Test
    void watchOnAbsentKeyCatchesCreateThenDelete() {
        long watchedAt = h.slot;
        h.run("SET", "ghost", "1");
        h.run("DEL", "ghost");
        Command tx = transaction(List.of(new Transaction.Watch(bytes("ghost"), watchedAt)),
                command("SET", "ghost", "mine"));
        assertThat(h.apply(List.of(tx)).get(0)).isEqualTo(Reply.NIL_ARRAY);
    }

    @Test
    void errorsInsideTransactionDoNotStopOtherCommands() {
        h.run("HSET", "h", "f", "v");
        Command tx = transaction(List.of(), command("INCR", "h"), command("SET", "x", "1"));
        assertThat(StateMachineHarness.text(h.apply(List.of(tx)).get(0)))
                .isEqualTo("[-WRONGTYPE Operation against a key holding the wrong kind of value, OK]");
    }

    @Test
    void commandsInOneBatchSeeEachOther() {
        List<Reply> replies = h.apply(List.of(command("SET", "a", "1"), command("INCR", "a"),
                command("HSET", "h", "f", "1"), command("HSET", "h", "f", "2")));
        assertThat(replies.stream().map(StateMachineHarness::text).toList())
                .containsExactly("OK", "2", "1", "0");
    }

    @Test
    void sameCommandsGiveSameStateOnEveryReplica() {
        StateMachineHarness other = new StateMachineHarness();
        List<String[]> script = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            script.add(new String[] {"SET", "k" + (i % 17), "v" + i});
            script.add(new String[] {"ZADD", "z", Integer.toString(i % 13), "m" + (i % 11)});
            script.add(new String[] {"HINCRBY", "h", "f" + (i % 5), "1"});
            if (i % 7 == 0) script.add(new String[] {"DEL", "k" + (i % 3)});
        }
        for (String[] words : script) {
            assertThat(h.text(words)).isEqualTo(other.text(words));
        }
        assertThat(h.text("KEYS", "*")).isEqualTo(other.text("KEYS", "*"));
        assertThat(h.state.size()).isEqualTo(other.state.size());
    }

    @Test
    void sessionCommandsApplyExactlyOnceAndRetriesGetTheFirstResult() {
        Command first = session(7, 1, "INCR", "n");
        assertThat(StateMachineHarness.text(h.apply(List.of(first)).get(0))).isEqualTo("1");
        assertThat(StateMachineHarness.text(h.apply(List.of(first)).get(0))).isEqualTo("1"); // retry
        assertThat(h.text("GET", "n")).isEqualTo("1");
        assertThat(StateMachineHarness.text(h.apply(List.of(session(7, 2, "INCR", "n"))).get(0))).isEqualTo("2");
        assertThat(StateMachineHarness.text(h.apply(List.of(first)).get(0))).startsWith("-ERR stale sequence 1");
        assertThat(StateMachineHarness.text(h.apply(List.of(session(8, 5, "INCR", "n"))).get(0)))
                .startsWith("-SESSIONEXPIRED");
        // Both copies of a retry in one batch: applied once.
        List<Reply> replies = h.apply(List.of(session(9, 1, "INCR", "n"), session(9, 1, "INCR", "n")));
        assertThat(replies.stream().map(StateMachineHarness::text).toList()).containsExactly("3", "3");
        assertThat(h.text("GET", "n")).isEqualTo("3");
    }

    private static Command session(long clientId, long sequence, String... words) {
        Command plain = command(words);
        return new Command(plain.type(), 0, plain.args(), clientId, sequence);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Command command(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = bytes(words[i]);
        return Command.of(CommandType.lookup(args[0]), 0, args);
    }

    private static Command transaction(List<Transaction.Watch> watches, Command... commands) {
        return new Transaction(watches, List.of(commands)).toCommand(0, 0, 0);
    }
}
