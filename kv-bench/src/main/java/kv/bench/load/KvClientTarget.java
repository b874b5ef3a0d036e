package kv.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import kv.client.KvClient;

/**
 * Synod through kv-client: one shared, thread-safe {@link KvClient} (pipelined connections to
 * every member, writes to the leader, exactly-once sessions for writes), used by every worker
 * through the blocking API. Same commands as {@link JedisTarget} (YCSB's Redis binding), so the
 * two differ only in the client.
 */
final class KvClientTarget implements Target {
    private static final byte[] SCORE_MAX = "+inf".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final KvClient client;

    /**
     * @param connectionsPerNode the bench passes its thread count, as many connections as
     *     Jedis opens: the server runs one SESSION write per connection at a time (a session
     *     write is proposed alone and the connection waits for its commit), so one pipelined
     *     connection serializes all writers behind each commit
     */
    KvClientTarget(String name, String host, int port, int connectionsPerNode) {
        this.name = name;
        this.client = KvClient.builder().seed(host, port)
                .connectionsPerNode(Math.min(connectionsPerNode, 64))
                .connectTimeout(Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS))
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TargetConnection connect() {
        return new Connection();
    }

    @Override
    public void close() {
        client.close();
    }

    private final class Connection implements TargetConnection {
        @Override
        public boolean read(String key, byte[][] fields) {
            return present(bytes(key), fields);
        }

        @Override
        public void update(String key, byte[][] fields, byte[][] values) {
            expectOk(client.command(true, hmset(bytes(key), fields, values)).join());
        }

        @Override
        public void insert(String key, byte[][] fields, byte[][] values) {
            byte[] keyBytes = bytes(key);
            expectOk(client.command(true, hmset(keyBytes, fields, values)).join());
            client.command(true, "ZADD", JedisTarget.INDEX_KEY,
                    Long.toString((long) KeyHash.indexScore(key)), keyBytes).join();
        }

        @Override
        public int scan(String startKey, int count, byte[][] fields) {
            List<?> keys = (List<?>) client.command(false, "ZRANGEBYSCORE", JedisTarget.INDEX_KEY,
                    Integer.toString(startKey.hashCode()), SCORE_MAX, "LIMIT", "0",
                    Integer.toString(count)).join();
            int readCount = 0;
            for (Object key : keys) {
                if (present((byte[]) key, fields)) readCount++;
            }
            return readCount;
        }

        private boolean present(byte[] key, byte[][] fields) {
            if (fields == null) return !((List<?>) client.command(false, "HGETALL", key).join()).isEmpty();
            Object[] args = new Object[fields.length + 2];
            args[0] = "HMGET";
            args[1] = key;
            System.arraycopy(fields, 0, args, 2, fields.length);
            for (Object value : (List<?>) client.command(false, args).join()) {
                if (value != null) return true;
            }
            return false;
        }

        @Override
        public void close() {
            // The client is shared; closed with the target.
        }
    }

    private static Object[] hmset(byte[] key, byte[][] fields, byte[][] values) {
        Object[] args = new Object[2 + fields.length * 2];
        args[0] = "HMSET";
        args[1] = key;
        for (int i = 0; i < fields.length; i++) {
            args[2 + 2 * i] = fields[i];
            args[3 + 2 * i] = values[i];
        }
        return args;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void expectOk(Object reply) {
        if (!"OK".equals(reply)) throw new IllegalStateException("HMSET replied " + reply);
    }
}
