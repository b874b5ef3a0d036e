package kv.bench.load;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lettuce as its documentation recommends: thread-safe connections shared by every thread,
 * asynchronous commands (auto-flush, Netty pipelining). Lettuce does not know Synod's members,
 * so it holds {@code connectionsPerNode} connections to each endpoint and spreads requests
 * round-robin over all of them; followers forward writes (and, until quorum leases, reads) to
 * the leader.
 */
final class LettuceAsync implements AsyncKv {
    private final RedisClient client;
    private final List<RedisAsyncCommands<byte[], byte[]>> commands = new ArrayList<>();
    private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
    private final AtomicInteger cursor = new AtomicInteger();

    LettuceAsync(ClientBenchConfig config) {
        Duration timeout = Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS);
        client = RedisClient.create();
        // RESP2 as Synod speaks it (saves the HELLO 3 round trip and its fallback).
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        try {
            for (int c = 0; c < config.connectionsPerNode(); c++) {
                for (PutLoadConfig.Endpoint endpoint : config.endpoints()) {
                    RedisURI uri = RedisURI.builder().withHost(endpoint.host())
                            .withPort(endpoint.port()).withTimeout(timeout).build();
                    StatefulRedisConnection<byte[], byte[]> connection =
                            client.connect(ByteArrayCodec.INSTANCE, uri);
                    connections.add(connection);
                    commands.add(connection.async());
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private RedisAsyncCommands<byte[], byte[]> next() {
        return commands.get((cursor.getAndIncrement() & Integer.MAX_VALUE) % commands.size());
    }

    @Override
    public CompletionStage<byte[]> get(byte[] key) {
        return next().get(key);
    }

    @Override
    public CompletionStage<?> set(byte[] key, byte[] value) {
        return next().set(key, value).thenApply(LettuceAsync::expectOk);
    }

    private static String expectOk(String reply) {
        if (!"OK".equals(reply)) throw new IllegalStateException("SET answered " + reply);
        return reply;
    }

    @Override
    public void close() {
        for (StatefulRedisConnection<byte[], byte[]> connection : connections) connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(BenchLimits.STOP_GRACE_SECONDS));
    }
}
