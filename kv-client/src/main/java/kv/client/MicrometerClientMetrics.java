package kv.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Binds a {@link KvClient}'s {@link ClientMetrics} to a Micrometer registry:
 * {@code KvClient.builder().metrics(new MicrometerClientMetrics(registry))}. micrometer-core is
 * an optional dependency of kv-client: add it to use this class; nothing else loads it.
 *
 * <ul>
 *   <li>{@code kv.client.call.latency} (timer, seconds; Prometheus
 *       {@code kv_client_call_latency_seconds}), tags {@code kind} = read | write and
 *       {@code result} = ok | error | unknown | timeout | unavailable
 *   <li>{@code kv.client.retries} (counter), tag {@code kind}: attempts tried again
 *   <li>{@code kv.client.failovers} (counter): leader changes the client followed
 * </ul>
 *
 * Every meter is registered up front, so recording allocates nothing.
 */
public final class MicrometerClientMetrics implements ClientMetrics {
    private static final String[] KINDS = {"read", "write"};

    /** [kind][result]: kind 0 = read, 1 = write. */
    private final Timer[][] latency = new Timer[2][Result.values().length];
    private final Counter[] retries = new Counter[2];
    private final Counter failovers;

    public MicrometerClientMetrics(MeterRegistry registry) {
        for (int kind = 0; kind < 2; kind++) {
            for (Result result : Result.values()) {
                latency[kind][result.ordinal()] = Timer.builder("kv.client.call.latency")
                        .description("Time from a call to its result, retries included")
                        .tag("kind", KINDS[kind]).tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
            retries[kind] = Counter.builder("kv.client.retries")
                    .description("Attempts of calls tried again after a retryable failure")
                    .tag("kind", KINDS[kind]).register(registry);
        }
        failovers = Counter.builder("kv.client.failovers")
                .description("Leader changes the client followed").register(registry);
    }

    @Override
    public void onCall(boolean write, Result result, long latencyNanos) {
        latency[write ? 1 : 0][result.ordinal()].record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onRetry(boolean write) {
        retries[write ? 1 : 0].increment();
    }

    @Override
    public void onFailover() {
        failovers.increment();
    }
}
