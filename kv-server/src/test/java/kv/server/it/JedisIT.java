package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.CompareCondition;

/*
 * Property: a stock Redis client (Jedis 8) gets Redis-compatible answers from a real kv-server
 * process for every supported string, hash, sorted-set, keyspace and transaction command:
 * same reply types and values as Redis, WRONGTYPE on type mismatch, SCAN visiting every key
 * exactly once, keyspaces (SELECT) isolated, MULTI/EXEC all-or-nothing, WATCH aborting EXEC on a
 * concurrent write, binary-safe keys and values, and pipelined replies in request order.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(60)
class JedisIT {
    private static ServerProcess server;
    private Jedis jedis;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.start(ServerProcess.Options.defaults().name("jedis"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @BeforeEach
    void connect() {
        jedis = client();
        jedis.select(1);
        jedis.flushDB();
        jedis.select(0);
        jedis.flushDB();
    }

    @AfterEach
    void disconnect() throws Exception {
        if (jedis != null) jedis.close();
        server.assertServing();
    }

    private static Jedis client() {
        // Plain RESP2 as Jedis's classic client speaks it; no RESP3 auto-negotiation warning.
        return new Jedis(ServerProcess.HOST, server.port(), DefaultJedisClientConfig.builder()
                .timeoutMillis(10_000).autoNegotiateProtocol(false).build());
    }

    @Test
    void setAndGetWithOptions() {
        assertThat(jedis.set("s", "v1")).isEqualTo("OK");
        assertThat(jedis.get("s")).isEqualTo("v1");
        assertThat(jedis.get("missing")).isNull();

        assertThat(jedis.set("s", "v2", SetParams.setParams().nx())).isNull();
        assertThat(jedis.get("s")).isEqualTo("v1");
        assertThat(jedis.set("fresh", "n", SetParams.setParams().nx())).isEqualTo("OK");

        assertThat(jedis.set("s", "v3", SetParams.setParams().xx())).isEqualTo("OK");
        assertThat(jedis.set("absent", "x", SetParams.setParams().xx())).isNull();
        assertThat(jedis.exists("absent")).isFalse();

        assertThat(jedis.setGet("s", "v4")).isEqualTo("v3");
        assertThat(jedis.setGet("new-getset", "a")).isNull();
        assertThat(jedis.get("s")).isEqualTo("v4");

        // IFEQ: set only if the current value equals the given one.
        assertThat(jedis.set("s", "v5", SetParams.setParams().condition(CompareCondition.valueEq("wrong"))))
                .isNull();
        assertThat(jedis.get("s")).isEqualTo("v4");
        assertThat(jedis.set("s", "v5", SetParams.setParams().condition(CompareCondition.valueEq("v4"))))
                .isEqualTo("OK");
        assertThat(jedis.get("s")).isEqualTo("v5");

        assertThat(jedis.setnx("s", "zzz")).isZero();
        assertThat(jedis.getSet("s", "v6")).isEqualTo("v5");
        assertThat(jedis.getDel("s")).isEqualTo("v6");
        assertThat(jedis.get("s")).isNull();
        assertThat(jedis.set("empty", "")).isEqualTo("OK");
        assertThat(jedis.get("empty")).isEmpty();
        assertThat(jedis.strlen("fresh")).isEqualTo(1);
    }

    @Test
    void incrFamilyAppendAndGetrange() {
        assertThat(jedis.incr("n")).isEqualTo(1);
        assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
        assertThat(jedis.decr("n")).isEqualTo(41);
        assertThat(jedis.decrBy("n", 50)).isEqualTo(-9);
        assertThat(jedis.get("n")).isEqualTo("-9");
        jedis.set("max", Long.toString(Long.MAX_VALUE));
        assertThatThrownBy(() -> jedis.incr("max")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("overflow");
        jedis.set("text", "abc");
        assertThatThrownBy(() -> jedis.incr("text")).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("not an integer");

        assertThat(jedis.append("ap", "Hello")).isEqualTo(5);
        assertThat(jedis.append("ap", " World")).isEqualTo(11);
        assertThat(jedis.get("ap")).isEqualTo("Hello World");
        assertThat(jedis.getrange("ap", 0, 4)).isEqualTo("Hello");
        assertThat(jedis.getrange("ap", -5, -1)).isEqualTo("World");
        assertThat(jedis.getrange("ap", 0, -1)).isEqualTo("Hello World");
        assertThat(jedis.getrange("ap", 100, 200)).isEmpty();
        assertThat(jedis.getrange("missing", 0, -1)).isEmpty();
    }

    @Test
    void multiKeyStringsAndKeyCommands() {
        assertThat(jedis.mset("a", "1", "b", "2", "c", "3")).isEqualTo("OK");
        assertThat(jedis.mget("a", "b", "nope", "c")).containsExactly("1", "2", null, "3");
        assertThat(jedis.msetnx("c", "x", "d", "4")).isZero();
        assertThat(jedis.exists("d")).isFalse();
        assertThat(jedis.get("c")).isEqualTo("3");
        assertThat(jedis.msetnx("d", "4", "e", "5")).isEqualTo(1);
        assertThat(jedis.mget("d", "e")).containsExactly("4", "5");

        assertThat(jedis.exists("a", "b", "nope", "a")).isEqualTo(3);
        assertThat(jedis.type("a")).isEqualTo("string");
        assertThat(jedis.type("nope")).isEqualTo("none");
        jedis.hset("h", "f", "v");
        jedis.zadd("z", 1, "m");
        assertThat(jedis.type("h")).isEqualTo("hash");
        assertThat(jedis.type("z")).isEqualTo("zset");

        assertThat(jedis.del("a", "b", "nope")).isEqualTo(2);
        assertThat(jedis.del("h", "z")).isEqualTo(2);
        assertThat(jedis.exists("a", "b", "h", "z")).isZero();
        assertThat(jedis.unlink("c")).isEqualTo(1);
        assertThat(jedis.dbSize()).isEqualTo(2); // d, e
    }

    @Test
    void hashes() {
        assertThat(jedis.hset("h", "f1", "v1")).isEqualTo(1);
        assertThat(jedis.hset("h", "f1", "v1b")).isZero();
        assertThat(jedis.hset("h", Map.of("f2", "v2", "f3", "v3"))).isEqualTo(2);
        Map<String, String> more = new LinkedHashMap<>();
        more.put("f4", "v4");
        more.put("f5", "v5");
        assertThat(jedis.hmset("h", more)).isEqualTo("OK");
        assertThat(jedis.hget("h", "f1")).isEqualTo("v1b");
        assertThat(jedis.hget("h", "nope")).isNull();
        assertThat(jedis.hget("nokey", "f")).isNull();
        assertThat(jedis.hmget("h", "f2", "nope", "f5")).containsExactly("v2", null, "v5");
        assertThat(jedis.hgetAll("h")).containsExactlyInAnyOrderEntriesOf(
                Map.of("f1", "v1b", "f2", "v2", "f3", "v3", "f4", "v4", "f5", "v5"));
        assertThat(jedis.hlen("h")).isEqualTo(5);
        assertThat(jedis.hexists("h", "f3")).isTrue();
        assertThat(jedis.hexists("h", "f9")).isFalse();
        assertThat(jedis.hdel("h", "f3", "f9")).isEqualTo(1);
        assertThat(jedis.hexists("h", "f3")).isFalse();
        assertThat(jedis.hincrBy("h", "count", 5)).isEqualTo(5);
        assertThat(jedis.hincrBy("h", "count", -7)).isEqualTo(-2);
        assertThatThrownBy(() -> jedis.hincrBy("h", "f1", 1)).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("not an integer");
        assertThat(jedis.hkeys("h")).containsExactlyInAnyOrder("f1", "f2", "f4", "f5", "count");
        assertThat(jedis.hvals("h")).containsExactlyInAnyOrder("v1b", "v2", "v4", "v5", "-2");
        assertThat(jedis.hgetAll("nokey")).isEmpty();
        assertThat(jedis.hdel("h", "f1", "f2", "f4", "f5", "count")).isEqualTo(5);
        assertThat(jedis.exists("h")).as("a hash with no fields is deleted").isFalse();
    }

    @Test
    void sortedSets() {
        assertThat(jedis.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.0, "e", 5.0))).isEqualTo(5);
        assertThat(jedis.zadd("z", 2.5, "b")).isZero();
        assertThat(jedis.zscore("z", "b")).isEqualTo(2.5);
        assertThat(jedis.zscore("z", "nope")).isNull();
        assertThat(jedis.zcard("z")).isEqualTo(5);
        assertThat(jedis.zrange("z", 0, -1)).containsExactly("a", "b", "c", "d", "e");
        assertThat(jedis.zrange("z", 1, 2)).containsExactly("b", "c");
        assertThat(jedis.zrange("z", -2, -1)).containsExactly("d", "e");
        assertThat(jedis.zrangeByScore("z", 2, 4)).containsExactly("b", "c", "d");
        assertThat(jedis.zrangeByScore("z", "(2.5", "+inf")).containsExactly("c", "d", "e");
        assertThat(jedis.zrangeByScore("z", "-inf", "+inf", 1, 2)).containsExactly("b", "c");
        assertThat(jedis.zrangeByScore("z", 0, 10, 4, 10)).containsExactly("e");
        assertThat(jedis.zrank("z", "a")).isZero();
        assertThat(jedis.zrank("z", "d")).isEqualTo(3);
        assertThat(jedis.zrank("z", "nope")).isNull();
        assertThat(jedis.zincrby("z", 10, "a")).isEqualTo(11.0);
        assertThat(jedis.zrange("z", -1, -1)).containsExactly("a");
        assertThat(jedis.zrem("z", "a", "nope")).isEqualTo(1);
        assertThat(jedis.zcard("z")).isEqualTo(4);
        // Equal scores order by member, bytewise.
        jedis.zadd("tie", Map.of("y", 1.0, "x", 1.0, "z", 1.0));
        assertThat(jedis.zrange("tie", 0, -1)).containsExactly("x", "y", "z");
        assertThat(jedis.zrem("tie", "x", "y", "z")).isEqualTo(3);
        assertThat(jedis.exists("tie")).isFalse();
    }

    @Test
    void sortedSetOptionsAndScores() {
        jedis.zadd("zo", Map.of("a", 1.0, "b", 2.0, "c", 3.0));
        assertThat(jedis.zadd("zo", 10, "a", ZAddParams.zAddParams().nx())).isZero();
        assertThat(jedis.zscore("zo", "a")).isEqualTo(1.0);
        assertThat(jedis.zadd("zo", 10, "new", ZAddParams.zAddParams().xx())).isZero();
        assertThat(jedis.zscore("zo", "new")).isNull();
        assertThat(jedis.zadd("zo", 0.5, "a", ZAddParams.zAddParams().gt())).isZero();
        assertThat(jedis.zscore("zo", "a")).isEqualTo(1.0);
        assertThat(jedis.zadd("zo", 5, "a", ZAddParams.zAddParams().gt().ch())).isEqualTo(1);
        assertThat(jedis.zscore("zo", "a")).isEqualTo(5.0);
        assertThat(jedis.zaddIncr("zo", 2.5, "b", ZAddParams.zAddParams())).isEqualTo(4.5);
        assertThat(jedis.zrangeWithScores("zo", 0, -1)).extracting(Tuple::getElement, Tuple::getScore)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c", 3.0),
                        org.assertj.core.groups.Tuple.tuple("b", 4.5),
                        org.assertj.core.groups.Tuple.tuple("a", 5.0));
        assertThat(jedis.zrangeByScoreWithScores("zo", 4, 5)).extracting(Tuple::getElement)
                .containsExactly("b", "a");
        assertThat(jedis.zrange("zo", ZRangeParams.zrangeParams(0, -1).rev())).containsExactly("a", "b", "c");
        assertThat(jedis.zscore("zo", "c")).isEqualTo(3.0);
        jedis.zadd("zo", Double.NEGATIVE_INFINITY, "ninf");
        assertThat(jedis.zrange("zo", 0, 0)).containsExactly("ninf");
        assertThat(jedis.zscore("zo", "ninf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.ZADD, "zo", "nan", "x"))
                .isInstanceOf(JedisDataException.class).hasMessageContaining("not a valid float");
    }

    @Test
    void scanVisitsEveryKeyExactlyOnce() {
        int n = 1000;
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kv.add("scan:" + i);
            kv.add("v" + i);
        }
        jedis.mset(kv.toArray(new String[0]));
        jedis.set("other", "x");

        Map<String, Integer> seen = new HashMap<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("scan:*").count(37));
            for (String key : page.getResult()) seen.merge(key, 1, Integer::sum);
            cursor = page.getCursor();
            calls++;
            assertThat(calls).as("SCAN must finish in a bounded number of calls").isLessThan(5000);
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));

        assertThat(seen).hasSize(n);
        assertThat(seen.values()).allMatch(count -> count == 1);
        assertThat(seen).doesNotContainKey("other");

        // Default COUNT, no MATCH: every key including "other".
        Set<String> all = new HashSet<>();
        cursor = ScanParams.SCAN_POINTER_START;
        calls = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor);
            all.addAll(page.getResult());
            cursor = page.getCursor();
            assertThat(++calls).isLessThan(5000);
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(all).hasSize(n + 1);
    }

    @Test
    void keysDbsizeFlushdb() {
        jedis.mset("user:1", "a", "user:2", "b", "user:10", "c", "order:1", "d", "u", "e");
        assertThat(jedis.keys("user:*")).containsExactlyInAnyOrder("user:1", "user:2", "user:10");
        assertThat(jedis.keys("user:?")).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(jedis.keys("*:1")).containsExactlyInAnyOrder("user:1", "order:1");
        assertThat(jedis.keys("user:[12]")).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(jedis.keys("*")).hasSize(5);
        assertThat(jedis.keys("nothing*")).isEmpty();
        assertThat(jedis.dbSize()).isEqualTo(5);
        assertThat(jedis.flushDB()).isEqualTo("OK");
        assertThat(jedis.dbSize()).isZero();
        assertThat(jedis.keys("*")).isEmpty();
    }

    @Test
    void selectIsolatesKeyspaces() {
        jedis.set("shared", "in-0");
        jedis.set("only0", "x");
        assertThat(jedis.select(1)).isEqualTo("OK");
        assertThat(jedis.get("shared")).isNull();
        assertThat(jedis.exists("only0")).isFalse();
        assertThat(jedis.dbSize()).isZero();
        jedis.set("shared", "in-1");
        jedis.hset("h1", "f", "v");
        assertThat(jedis.dbSize()).isEqualTo(2);
        assertThat(jedis.keys("*")).containsExactlyInAnyOrder("shared", "h1");

        // Another connection, still in keyspace 0, sees only keyspace 0.
        try (Jedis other = client()) {
            assertThat(other.get("shared")).isEqualTo("in-0");
            assertThat(other.exists("h1")).isFalse();
            assertThat(other.dbSize()).isEqualTo(2);
        }

        // FLUSHDB in 1 leaves 0 alone.
        jedis.flushDB();
        assertThat(jedis.dbSize()).isZero();
        jedis.select(0);
        assertThat(jedis.get("shared")).isEqualTo("in-0");
        assertThat(jedis.dbSize()).isEqualTo(2);

        // An undeclared keyspace index is refused.
        assertThatThrownBy(() -> jedis.select(5)).isInstanceOf(JedisDataException.class);
        assertThat(jedis.get("shared")).as("a refused SELECT leaves the keyspace unchanged")
                .isEqualTo("in-0");
    }

    @Test
    void multiExecIsAllOrNothing() throws Exception {
        Transaction tx = jedis.multi();
        Response<String> set = tx.set("t1", "a");
        Response<Long> incr = tx.incr("t2");
        Response<String> get = tx.get("t1");
        Response<Long> hset = tx.hset("th", "f", "v");
        List<Object> results = tx.exec();
        assertThat(results).hasSize(4);
        assertThat(set.get()).isEqualTo("OK");
        assertThat(incr.get()).isEqualTo(1);
        assertThat(get.get()).isEqualTo("a");
        assertThat(hset.get()).isEqualTo(1);

        // A queued command with a wrong arity makes EXEC abort: none of the queued writes happen.
        try (Resp raw = server.connect()) {
            assertThat(raw.call("MULTI")).isEqualTo("OK");
            assertThat(raw.call("SET", "t3", "x")).isEqualTo("QUEUED");
            assertThat(raw.call("GET")).isInstanceOf(Resp.Err.class);
            assertThat(raw.call("SET", "t4", "y")).isEqualTo("QUEUED");
            Object exec = raw.call("EXEC");
            assertThat(exec).isInstanceOf(Resp.Err.class);
            assertThat(((Resp.Err) exec).message()).startsWith("EXECABORT");
        }
        assertThat(jedis.exists("t3", "t4")).isZero();

        // A runtime error inside EXEC is reported in place; the other commands still run (Redis).
        Transaction tx2 = jedis.multi();
        tx2.set("t5", "five");
        Response<Long> bad = tx2.incr("t1"); // "a" is not an integer
        tx2.set("t6", "six");
        List<Object> results2 = tx2.exec();
        assertThat(results2).hasSize(3);
        assertThat(results2.get(1)).isInstanceOf(JedisDataException.class);
        assertThatThrownBy(bad::get).isInstanceOf(JedisDataException.class);
        assertThat(jedis.mget("t5", "t6")).containsExactly("five", "six");
    }

    @Test
    void watchAbortsExecOnConcurrentWrite() {
        jedis.set("w", "0");
        assertThat(jedis.watch("w")).isEqualTo("OK");
        try (Jedis other = client()) {
            other.set("w", "changed");
        }
        Transaction tx = jedis.multi();
        tx.set("w", "mine");
        tx.set("w2", "side");
        List<Object> results = tx.exec();
        assertThat(results).as("EXEC after a watched key changed returns null").isNull();
        assertThat(jedis.get("w")).isEqualTo("changed");
        assertThat(jedis.exists("w2")).isFalse();

        // Without a concurrent write the same transaction commits.
        jedis.watch("w");
        Transaction tx2 = jedis.multi();
        tx2.set("w", "mine");
        assertThat(tx2.exec()).containsExactly("OK");
        assertThat(jedis.get("w")).isEqualTo("mine");

        // UNWATCH forgets the watch.
        jedis.watch("w");
        try (Jedis other = client()) {
            other.set("w", "again");
        }
        jedis.unwatch();
        Transaction tx3 = jedis.multi();
        tx3.set("w", "after-unwatch");
        assertThat(tx3.exec()).containsExactly("OK");
        assertThat(jedis.get("w")).isEqualTo("after-unwatch");
    }

    @Test
    void discardDropsQueuedCommands() throws Exception {
        Transaction tx = jedis.multi();
        tx.set("d1", "x");
        tx.incr("d2");
        assertThat(tx.discard()).isEqualTo("OK");
        assertThat(jedis.exists("d1", "d2")).isZero();
        try (Resp raw = server.connect()) {
            assertThat(raw.call("DISCARD")).isEqualTo(new Resp.Err("ERR DISCARD without MULTI"));
            assertThat(raw.call("EXEC")).isEqualTo(new Resp.Err("ERR EXEC without MULTI"));
        }
    }

    @Test
    void wrongTypeErrors() {
        jedis.set("str", "v");
        jedis.hset("hash", "f", "v");
        jedis.zadd("zset", 1, "m");
        assertWrongType(() -> jedis.hget("str", "f"));
        assertWrongType(() -> jedis.hset("str", "f", "v"));
        assertWrongType(() -> jedis.zadd("str", 1, "m"));
        assertWrongType(() -> jedis.zscore("hash", "m"));
        assertWrongType(() -> jedis.get("hash"));
        assertWrongType(() -> jedis.append("zset", "x"));
        assertWrongType(() -> jedis.incr("hash"));
        assertWrongType(() -> jedis.hgetAll("zset"));
        assertWrongType(() -> jedis.zrange("hash", 0, -1));
        // Nothing changed.
        assertThat(jedis.get("str")).isEqualTo("v");
        assertThat(jedis.hgetAll("hash")).isEqualTo(Map.of("f", "v"));
        assertThat(jedis.zrange("zset", 0, -1)).containsExactly("m");
        // SET overwrites any type, as in Redis.
        assertThat(jedis.set("hash", "now-a-string")).isEqualTo("OK");
        assertThat(jedis.type("hash")).isEqualTo("string");
    }

    private static void assertWrongType(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(JedisDataException.class).hasMessageStartingWith("WRONGTYPE");
    }

    @Test
    void binarySafeKeysAndValues() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        byte[] key = new byte[256 + 2];
        System.arraycopy(all, 0, key, 2, 256);
        key[0] = 'k';
        key[1] = ':';
        assertThat(jedis.set(key, all)).isEqualTo("OK");
        assertThat(jedis.get(key)).isEqualTo(all);
        assertThat(jedis.strlen(key)).isEqualTo(256);
        assertThat(jedis.exists(key)).isTrue();
        // A key differing in one byte is a different key.
        byte[] near = key.clone();
        near[100] ^= 1;
        assertThat(jedis.get(near)).isNull();
        // Each single byte as a key and as a value.
        for (int i = 0; i < 256; i++) {
            byte[] k = {(byte) 'b', (byte) i};
            byte[] v = {(byte) i, (byte) '\r', (byte) '\n', (byte) i};
            jedis.set(k, v);
        }
        for (int i = 0; i < 256; i++) {
            byte[] k = {(byte) 'b', (byte) i};
            assertThat(jedis.get(k)).as("byte %d", i).isEqualTo(new byte[] {(byte) i, '\r', '\n', (byte) i});
        }
        // In hashes and sorted sets too.
        jedis.hset("bin:hash".getBytes(StandardCharsets.US_ASCII), all, all);
        assertThat(jedis.hget("bin:hash".getBytes(StandardCharsets.US_ASCII), all)).isEqualTo(all);
        jedis.zadd("bin:zset".getBytes(StandardCharsets.US_ASCII), 1.0, all);
        assertThat(jedis.zrange("bin:zset".getBytes(StandardCharsets.US_ASCII), 0, -1)).containsExactly(all);
    }

    @Test
    void pipelineOf1000MixedCommandsRepliesInOrder() {
        int n = 1000;
        List<Response<?>> responses = new ArrayList<>(n);
        List<Object> expected = new ArrayList<>(n);
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < n; i++) {
            String key = "p:" + (i / 10);
            switch (i % 10) {
                case 0 -> { responses.add(p.set(key, "v" + i)); expected.add("OK"); }
                case 1 -> { responses.add(p.get(key)); expected.add("v" + (i - 1)); }
                case 2 -> { responses.add(p.append(key, "+")); expected.add((long) ("v" + (i - 2) + "+").length()); }
                case 3 -> { responses.add(p.incr(key + ":n")); expected.add(1L); }
                case 4 -> { responses.add(p.incrBy(key + ":n", 9)); expected.add(10L); }
                case 5 -> { responses.add(p.hset(key + ":h", "f", "x" + i)); expected.add(1L); }
                case 6 -> { responses.add(p.hget(key + ":h", "f")); expected.add("x" + (i - 1)); }
                case 7 -> { responses.add(p.zadd(key + ":z", i, "m")); expected.add(1L); }
                case 8 -> { responses.add(p.exists(key, key + ":n", key + ":h", key + ":z")); expected.add(4L); }
                default -> { responses.add(p.get(key)); expected.add("v" + (i - 9) + "+"); }
            }
        }
        p.sync();
        for (int i = 0; i < n; i++) {
            assertThat(responses.get(i).get()).as("reply %d", i).isEqualTo(expected.get(i));
        }
        assertThat(jedis.dbSize()).isEqualTo(4L * (n / 10));
    }
}
