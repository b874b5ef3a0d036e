package kv.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;

/**
 * One thread of Jedis, which is synchronous: its own connection to endpoint (thread mod n), a
 * pipeline of {@code depth} commands per round trip. Every request of a pipeline gets the
 * pipeline's latency (written together, answered together).
 */
final class JedisBenchWorker extends ClientBenchWorker {
    private final HostAndPort address;
    private final DefaultJedisClientConfig clientConfig;
    private Jedis jedis;

    JedisBenchWorker(ClientBenchConfig config, int threadIndex, byte[][] keys, byte[] value,
            Recorder latencyMicros, LongAdder errors, ErrorSamples errorSamples,
            CountDownLatch start, long[] window) {
        super("bench-jedis-" + threadIndex, config, threadIndex, keys, value, latencyMicros,
                errors, errorSamples, start, window);
        PutLoadConfig.Endpoint endpoint = config.endpointOf(threadIndex);
        this.address = new HostAndPort(endpoint.host(), endpoint.port());
        this.clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .socketTimeoutMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS)
                .protocol(RedisProtocol.RESP2).build();
        this.jedis = new Jedis(address, clientConfig);
        jedis.ping(); // fail before the run, not as one error per request
    }

    @Override
    public void run() {
        if (!awaitStart()) return;
        @SuppressWarnings("unchecked")
        Response<?>[] responses = new Response<?>[config.depth()];
        try {
            while (true) {
                long begin = System.nanoTime();
                if (over(begin)) return;
                boolean measured = measured(begin);
                int count = 0;
                try (Pipeline pipeline = reconnectIfBroken().pipelined()) {
                    for (; count < responses.length; count++) {
                        byte[] key = nextKey();
                        if (key == null) break;
                        responses[count] = config.operation() == ClientBenchMain.Operation.GET
                                ? pipeline.get(key) : pipeline.set(key, value);
                    }
                    if (count == 0) return;
                    pipeline.sync();
                } catch (RuntimeException e) {
                    for (int i = 0; i < Math.max(1, count); i++) recordError(measured, e);
                    pauseAfterError();
                    continue;
                }
                long end = System.nanoTime();
                int succeeded = 0;
                for (int i = 0; i < count; i++) {
                    Throwable failure = check(responses[i]);
                    if (failure != null) recordError(measured, failure);
                    else succeeded++;
                }
                if (measured && succeeded > 0) recordSuccess(begin, end, succeeded);
            }
        } finally {
            jedis.close();
        }
    }

    private Throwable check(Response<?> response) {
        try {
            Object reply = response.get();
            if (config.operation() != ClientBenchMain.Operation.GET && !"OK".equals(reply)) {
                return new IllegalStateException("SET answered " + reply);
            }
            return checkReply(config.operation(), reply);
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** A refused connection fails at once: pause so a dead node costs few attempts. */
    private static void pauseAfterError() {
        try {
            Thread.sleep(PutLoadMain.ERROR_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Jedis reconnectIfBroken() {
        if (jedis.isBroken()) {
            jedis.close();
            jedis = new Jedis(address, clientConfig);
        }
        return jedis;
    }
}
