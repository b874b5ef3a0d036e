package kv.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Any Redis-protocol server through Jedis, one connection per worker thread (no pool to
 * contend on). Commands are those of YCSB's Redis binding: HMSET to insert and update,
 * HGETALL (or HMGET for a field subset) to read, ZADD {@code _indices} with the key's
 * hashCode as score on insert, ZRANGEBYSCORE ... LIMIT 0 n then a read per key to scan.
 */
final class JedisTarget implements Target {
    static final byte[] INDEX_KEY = "_indices".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCORE_MAX = "+inf".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;

    JedisTarget(String name, String host, int port) {
        this.name = name;
        this.address = new HostAndPort(host, port);
        this.clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .socketTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .protocol(RedisProtocol.RESP2) // as YCSB; no HELLO handshake per connection
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TargetConnection connect() {
        Jedis jedis = new Jedis(address, clientConfig);
        try {
            jedis.ping(); // fail before the run, not as one error per operation
        } catch (RuntimeException e) {
            jedis.close();
            throw new IllegalStateException("cannot reach " + name + " at " + address + ": "
                    + e.getMessage(), e);
        }
        return new Connection(jedis);
    }

    @Override
    public void close() {
        // Connections are closed by their workers; nothing shared to release.
    }

    // HMSET is deprecated in Redis (HSET takes many fields since 4.0) but it is what YCSB's
    // binding sends; the comparison with published YCSB runs keeps it.
    @SuppressWarnings("deprecation")
    private final class Connection implements TargetConnection {
        private Jedis jedis;

        Connection(Jedis jedis) {
            this.jedis = jedis;
        }

        @Override
        public boolean read(String key, byte[][] fields) {
            try {
                return present(bytes(key), fields);
            } catch (JedisConnectionException e) {
                throw reconnect(e);
            }
        }

        @Override
        public void update(String key, byte[][] fields, byte[][] values) {
            try {
                expectOk(jedis.hmset(bytes(key), map(fields, values)));
            } catch (JedisConnectionException e) {
                throw reconnect(e);
            }
        }

        @Override
        public void insert(String key, byte[][] fields, byte[][] values) {
            byte[] keyBytes = bytes(key);
            try {
                expectOk(jedis.hmset(keyBytes, map(fields, values)));
                jedis.zadd(INDEX_KEY, KeyHash.indexScore(key), keyBytes);
            } catch (JedisConnectionException e) {
                throw reconnect(e);
            }
        }

        @Override
        public int scan(String startKey, int count, byte[][] fields) {
            byte[] scoreMin = bytes(Integer.toString(startKey.hashCode()));
            try {
                List<byte[]> keys = jedis.zrangeByScore(INDEX_KEY, scoreMin, SCORE_MAX, 0, count);
                int readCount = 0;
                for (byte[] key : keys) {
                    if (present(key, fields)) readCount++;
                }
                return readCount;
            } catch (JedisConnectionException e) {
                throw reconnect(e);
            }
        }

        private boolean present(byte[] key, byte[][] fields) {
            if (fields == null) return !jedis.hgetAll(key).isEmpty();
            for (byte[] value : jedis.hmget(key, fields)) {
                if (value != null) return true;
            }
            return false;
        }

        /** A broken socket stays broken: replace it, so the next operation can succeed. */
        private RuntimeException reconnect(JedisConnectionException cause) {
            jedis.close();
            jedis = new Jedis(address, clientConfig);
            return cause;
        }

        @Override
        public void close() {
            jedis.close();
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }

        private static Map<byte[], byte[]> map(byte[][] fields, byte[][] values) {
            Map<byte[], byte[]> map = new HashMap<>(fields.length * 2);
            for (int i = 0; i < fields.length; i++) map.put(fields[i], values[i]);
            return map;
        }

        private static void expectOk(String reply) {
            if (!"OK".equals(reply)) throw new IllegalStateException("HMSET replied " + reply);
        }
    }
}
