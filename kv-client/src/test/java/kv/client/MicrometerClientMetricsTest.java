package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Micrometer binding records what callers see: one latency sample per call tagged with
 * its kind and result, one retry per extra attempt, one failover per leader change.
 */
class MicrometerClientMetricsTest {
    @Test
    void callsRetriesAndFailoversAreRecorded() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeServer server = new FakeServer(command -> switch (command.get(3 < command.size()
                && command.get(0).equals("SESSION") ? 3 : 0)) {
                    case "SET" -> writes.incrementAndGet() == 1 ? "-UNKNOWN outcome unknown\r\n" : "+OK\r\n";
                    default -> command.get(1).equals("wrong")
                            ? "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
                            : "$1\r\nv\r\n";
                });
             KvClient client = KvClient.builder().seed("127.0.0.1", server.port()).ioThreads(1)
                     .refreshInterval(Duration.ofMillis(100))
                     .retryPolicy(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5)))
                     .metrics(new MicrometerClientMetrics(registry)).build()) {
            assertThat(client.blocking().get("k")).isEqualTo("v");
            assertThatThrownBy(() -> client.blocking().get("wrong")).isInstanceOf(WrongTypeException.class);
            client.blocking().set("k", "v"); // -UNKNOWN first: retried with the same session

            assertThat(timerCount(registry, "read", "ok")).isEqualTo(1);
            assertThat(timerCount(registry, "read", "error")).isEqualTo(1);
            assertThat(timerCount(registry, "write", "ok")).isEqualTo(1);
            assertThat(timerCount(registry, "write", "unknown")).isZero();
            assertThat(registry.get("kv.client.call.latency").tag("kind", "write").tag("result", "ok")
                    .timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("kv.client.retries").tag("kind", "write").counter().count()).isEqualTo(1);
            assertThat(registry.get("kv.client.retries").tag("kind", "read").counter().count()).isZero();
            assertThat(registry.get("kv.client.failovers").counter().count()).isZero();

            server.leaderId = 2; // the next refresh learns of a new leader
            KvClientTest.pollUntil(() -> registry.get("kv.client.failovers").counter().count() == 1);
            assertThat(client.leaderId()).isEqualTo(2);
        }
    }

    private static long timerCount(SimpleMeterRegistry registry, String kind, String result) {
        return registry.get("kv.client.call.latency").tag("kind", kind).tag("result", result).timer().count();
    }
}
