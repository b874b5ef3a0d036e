package kv.bench.load;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/** {@code SET key value} through one Jedis connection; any reply but {@code +OK} is an error. */
final class RespPutClient implements PutClient {
    private final HostAndPort address;
    private final DefaultJedisClientConfig clientConfig;
    private Jedis jedis;

    RespPutClient(PutLoadConfig.Endpoint endpoint) {
        this.address = new HostAndPort(endpoint.host(), endpoint.port());
        this.clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .socketTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .protocol(RedisProtocol.RESP2)
                .build();
        this.jedis = open();
    }

    private Jedis open() {
        Jedis connection = new Jedis(address, clientConfig);
        try {
            connection.ping(); // fail before the run, not as one error per operation
        } catch (RuntimeException e) {
            connection.close();
            throw new IllegalStateException("cannot reach " + address + ": " + e.getMessage(), e);
        }
        return connection;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        if (jedis == null || jedis.isBroken()) {
            if (jedis != null) jedis.close();
            jedis = null;
            jedis = open();
        }
        String reply = jedis.set(key, value);
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("SET answered " + reply);
        }
    }

    @Override
    public void get(byte[] key, boolean serializable) {
        if (jedis == null || jedis.isBroken()) {
            if (jedis != null) jedis.close();
            jedis = null;
            jedis = open();
        }
        jedis.get(key); // an error reply throws
    }

    @Override
    public void close() {
        if (jedis != null) jedis.close();
    }
}
