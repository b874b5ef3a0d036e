package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Property: Lettuce 7, which opens every connection with HELLO 3, connects to a real kv-server
 * (the server answers -NOPROTO and Lettuce falls back to RESP2), and its sync and async APIs get
 * correct answers for strings, hashes, sorted sets and a MULTI/EXEC transaction; 10,000
 * pipelined async SETs are all acknowledged and then all read back with their values.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(90)
class LettuceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static ServerProcess server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void start() {
        server = ServerProcess.start(ServerProcess.Options.defaults().name("lettuce"));
        client = RedisClient.create(RedisURI.builder().withHost(ServerProcess.HOST)
                .withPort(server.port()).withTimeout(TIMEOUT).build());
        // No protocol pinned: Lettuce tries HELLO 3 first and must fall back to RESP2 by itself.
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT)).build());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        try {
            if (connection != null) connection.close();
            if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        } finally {
            if (server != null) server.close();
        }
    }

    @BeforeEach
    void flush() {
        connection.sync().flushdb();
    }

    @Test
    void connectsWithHello3FallbackToResp2() throws Exception {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
        assertThat(((StatefulRedisConnectionImpl<?, ?>) connection).getConnectionState()
                .getNegotiatedProtocolVersion()).isEqualTo(ProtocolVersion.RESP2);
        // The server really refuses HELLO 3 with NOPROTO, which is what triggers the fallback.
        try (Resp raw = server.connect()) {
            Object reply = raw.call("HELLO", "3");
            assertThat(reply).isInstanceOf(Resp.Err.class);
            assertThat(((Resp.Err) reply).message()).startsWith("NOPROTO");
        }
    }

    @Test
    void syncStringsHashesSortedSets() {
        RedisCommands<String, String> sync = connection.sync();
        assertThat(sync.set("k", "v")).isEqualTo("OK");
        assertThat(sync.get("k")).isEqualTo("v");
        assertThat(sync.get("missing")).isNull();
        assertThat(sync.incr("n")).isEqualTo(1);
        assertThat(sync.incrby("n", 4)).isEqualTo(5);
        assertThat(sync.append("k", "w")).isEqualTo(2);
        assertThat(sync.mset(Map.of("a", "1", "b", "2"))).isEqualTo("OK");
        assertThat(sync.mget("a", "b", "c")).extracting(kv -> kv.getValueOrElse(null))
                .containsExactly("1", "2", null);
        assertThat(sync.del("a", "b")).isEqualTo(2);

        assertThat(sync.hset("h", Map.of("f1", "v1", "f2", "v2"))).isEqualTo(2);
        assertThat(sync.hget("h", "f1")).isEqualTo("v1");
        assertThat(sync.hgetall("h")).isEqualTo(Map.of("f1", "v1", "f2", "v2"));
        assertThat(sync.hincrby("h", "c", 3)).isEqualTo(3);
        assertThat(sync.hlen("h")).isEqualTo(3);
        assertThat(sync.hdel("h", "f1")).isEqualTo(1);

        assertThat(sync.zadd("z", ScoredValue.just(1, "a"), ScoredValue.just(2, "b"),
                ScoredValue.just(3, "c"))).isEqualTo(3);
        assertThat(sync.zscore("z", "b")).isEqualTo(2.0);
        assertThat(sync.zrange("z", 0, -1)).containsExactly("a", "b", "c");
        assertThat(sync.zrangebyscore("z", Range.create(2, 3))).containsExactly("b", "c");
        assertThat(sync.zrank("z", "c")).isEqualTo(2);
        assertThat(sync.zcard("z")).isEqualTo(3);
        assertThat(sync.zrem("z", "a")).isEqualTo(1);
        assertThat(sync.type("z")).isEqualTo("zset");
        assertThat(sync.dbsize()).isEqualTo(4); // k, n, h, z
    }

    @Test
    void asyncStringsHashesSortedSets() throws Exception {
        RedisAsyncCommands<String, String> async = connection.async();
        RedisFuture<String> set = async.set("ak", "av");
        RedisFuture<String> get = async.get("ak");
        RedisFuture<Boolean> hset = async.hset("ah", "f", "v");
        RedisFuture<String> hget = async.hget("ah", "f");
        RedisFuture<Long> zadd = async.zadd("az", 1.5, "m");
        RedisFuture<Double> zscore = async.zscore("az", "m");
        assertThat(LettuceFutures.awaitAll(TIMEOUT, set, get, hset, hget, zadd, zscore)).isTrue();
        assertThat(set.get()).isEqualTo("OK");
        assertThat(get.get()).isEqualTo("av");
        assertThat(hset.get()).isTrue();
        assertThat(hget.get()).isEqualTo("v");
        assertThat(zadd.get()).isEqualTo(1);
        assertThat(zscore.get()).isEqualTo(1.5);
    }

    @Test
    void transaction() {
        RedisCommands<String, String> sync = connection.sync();
        assertThat(sync.multi()).isEqualTo("OK");
        assertThat(sync.set("t1", "a")).isNull(); // queued: the value comes with EXEC
        sync.incr("t2");
        sync.get("t1");
        TransactionResult result = sync.exec();
        assertThat(result.wasDiscarded()).isFalse();
        assertThat(result.size()).isEqualTo(3);
        assertThat((String) result.get(0)).isEqualTo("OK");
        assertThat((Long) result.get(1)).isEqualTo(1L);
        assertThat((String) result.get(2)).isEqualTo("a");

        // A watched key changed by another connection discards the transaction.
        try (StatefulRedisConnection<String, String> other = client.connect()) {
            sync.watch("t1");
            other.sync().set("t1", "changed");
            sync.multi();
            sync.set("t1", "mine");
            assertThat(sync.exec().wasDiscarded()).isTrue();
        }
        assertThat(sync.get("t1")).isEqualTo("changed");
    }

    @Test
    void tenThousandAsyncSetsThenGets() throws Exception {
        int n = 10_000;
        RedisAsyncCommands<String, String> async = connection.async();
        List<RedisFuture<String>> sets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) sets.add(async.set("async:" + i, "value-" + i));
        assertThat(LettuceFutures.awaitAll(30, TimeUnit.SECONDS, sets.toArray(new RedisFuture[0])))
                .as("all SETs answered in time").isTrue();
        for (RedisFuture<String> f : sets) assertThat(f.get()).isEqualTo("OK");

        List<RedisFuture<String>> gets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) gets.add(async.get("async:" + i));
        assertThat(LettuceFutures.awaitAll(30, TimeUnit.SECONDS, gets.toArray(new RedisFuture[0])))
                .as("all GETs answered in time").isTrue();
        for (int i = 0; i < n; i++) assertThat(gets.get(i).get()).isEqualTo("value-" + i);
        assertThat(connection.sync().dbsize()).isEqualTo(n);
    }
}
