package kv.bench.load;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import kv.client.KvClient;

/**
 * kv-client as an application would use it: one shared client seeded with every endpoint; it
 * discovers the members, sends SETs to the leader through exactly-once sessions and spreads
 * GETs over the nodes by itself.
 */
final class KvClientAsync implements AsyncKv {
    private final KvClient client;

    KvClientAsync(ClientBenchConfig config) {
        KvClient.Builder builder = KvClient.builder()
                .connectionsPerNode(config.connectionsPerNode())
                .readFrom(config.readFrom())
                .exactlyOnce(config.exactlyOnce())
                // The bench's bound on in flight is threads x depth: the client's must not bind.
                .inFlightCountMax(Math.max(1024, config.concurrency()))
                .connectTimeout(Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS));
        for (PutLoadConfig.Endpoint endpoint : config.endpoints()) {
            builder.seed(endpoint.host(), endpoint.port());
        }
        this.client = builder.build();
    }

    @Override
    public CompletionStage<byte[]> get(byte[] key) {
        return client.getBytes(key);
    }

    @Override
    public CompletionStage<?> set(byte[] key, byte[] value) {
        return client.set(key, value);
    }

    @Override
    public void close() {
        System.err.printf("kv-client: retries=%d leaderChanges=%d sessionsOpened=%d%n",
                client.retriesTotal(), client.leaderChangesTotal(), client.sessionsOpened());
        client.close();
    }
}
