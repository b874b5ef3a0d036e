package kv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The put-load driver's pure parts: option checks, etcd's JSON, results and their table. */
class PutLoadTest {
    private static final List<PutLoadConfig.Endpoint> ONE =
            List.of(new PutLoadConfig.Endpoint("127.0.0.1", 7801));

    private static PutLoadConfig config(int threads, int duration, int valueBytes) {
        return new PutLoadConfig(PutLoadMain.TargetKind.RESP, "synod", ONE, threads, duration, 5,
                valueBytes, 100_000);
    }

    @Test
    void endpointsAreLoopbackHostPortPairsAssignedRoundRobin() {
        List<PutLoadConfig.Endpoint> endpoints =
                PutLoadConfig.parseEndpoints("127.0.0.21:7831,127.0.0.22:7832,localhost:7833");
        assertThat(endpoints).extracting(Object::toString)
                .containsExactly("127.0.0.21:7831", "127.0.0.22:7832", "localhost:7833");
        PutLoadConfig config = new PutLoadConfig(PutLoadMain.TargetKind.ETCD, "etcd", endpoints,
                64, 20, 5, 100, 100_000);
        assertThat(config.endpointOf(0).port()).isEqualTo(7831);
        assertThat(config.endpointOf(4).port()).isEqualTo(7832);
        assertThat(config.endpointOf(63).port()).isEqualTo(7831);
    }

    @Test
    void badEndpointsFailWithTheEntry() {
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints("10.0.0.1:2379"))
                .hasMessageContaining("'10.0.0.1' is not a loopback address");
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints("127.0.0.1"))
                .hasMessageContaining("'127.0.0.1' is not host:port");
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints("127.0.0.1:x"))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints("127.0.0.1:70000"))
                .hasMessageContaining("70000 is out of range; allowed: 1..65535");
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints("127.0.0.1:1,"))
                .hasMessageContaining("'' is not host:port");
        assertThatThrownBy(() -> PutLoadConfig.parseEndpoints(" "))
                .hasMessageContaining("--endpoints is empty");
    }

    @Test
    void valuesOutOfRangeFailWithOptionRangeAndUnit() {
        assertThatThrownBy(() -> config(0, 20, 100))
                .hasMessage("--threads 0 is out of range; allowed: 1..1024 threads");
        assertThatThrownBy(() -> config(64, 0, 100))
                .hasMessage("--duration-seconds 0 is out of range; allowed: 1..86400 s");
        assertThatThrownBy(() -> config(64, 20, 0))
                .hasMessage("--value-size-bytes 0 is out of range; allowed: 1..1048576 bytes");
        assertThatThrownBy(() -> new PutLoadConfig(PutLoadMain.TargetKind.RESP, "a b", ONE, 1, 1,
                0, 1, 1)).hasMessageContaining("--label 'a b'");
        assertThat(config(64, 20, 100).threadCount()).isEqualTo(64);
    }

    @Test
    void etcdPutBodyCarriesBase64KeyAndValue() {
        byte[] key = "key:000000000042".getBytes(StandardCharsets.US_ASCII);
        byte[] value = {0, (byte) 0xff, '"', '\\', '\n', 'x'};
        String body = new String(EtcdJson.putRequest(key, value), StandardCharsets.US_ASCII);
        assertThat(body).isEqualTo("{\"key\":\"a2V5OjAwMDAwMDAwMDA0Mg==\",\"value\":\""
                + Base64.getEncoder().encodeToString(value) + "\"}");
        assertThat(body).isEqualTo("{\"key\":\"a2V5OjAwMDAwMDAwMDA0Mg==\",\"value\":\"AP8iXAp4\"}");
    }

    @Test
    void etcdGatewayRepliesAreAcknowledgedOnlyWithAHeaderAndNoError() {
        assertThat(EtcdJson.isPutAcknowledged("{\"header\":{\"cluster_id\":\"1\",\"member_id\":"
                + "\"2\",\"revision\":\"7\",\"raft_term\":\"2\"}}")).isTrue();
        assertThat(EtcdJson.isPutAcknowledged("{\"error\":\"etcdserver: request timed out\","
                + "\"code\":14,\"message\":\"etcdserver: request timed out\"}")).isFalse();
        assertThat(EtcdJson.isPutAcknowledged("")).isFalse();
    }

    @Test
    void keysAreSpelledAsRedisBenchmarkDoes() {
        assertThat(new String(PutLoadMain.key(12345), StandardCharsets.US_ASCII))
                .isEqualTo("key:000000012345");
    }

    @Test
    void resultTakesPercentilesInMillisecondsAndRoundTripsThroughItsLine() {
        Histogram micros = new Histogram(BenchLimits.LATENCY_MICROS_MAX, 3);
        for (int i = 1; i <= 1000; i++) micros.recordValue(i * 10L); // 10 us .. 10 ms
        PutLoadResult result = PutLoadResult.of("synod", micros, 3, 20);
        assertThat(result.operations()).isEqualTo(1000);
        assertThat(result.opsPerSecond()).isEqualTo(50.0);
        assertThat(result.p50Millis()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(result.p99Millis()).isCloseTo(9.9, org.assertj.core.data.Offset.offset(0.01));
        assertThat(result.resultLine()).isEqualTo(
                "RESULT label=synod ops=1000 errors=3 seconds=20.000 p50_ms=5.003 p99_ms=9.903");
        assertThat(PutLoadResult.parse(result.resultLine()).resultLine())
                .isEqualTo(result.resultLine());
        assertThatThrownBy(() -> PutLoadResult.parse("RESULT label=x ops=1"))
                .hasMessageContaining("no errors=");
    }

    @Test
    void tableHasOneRowPerSystemThenTheFirstToSecondRatios() {
        String table = PutLoadResult.table(List.of(
                PutLoadResult.parse("RESULT label=synod ops=200000 errors=0 seconds=20"
                        + " p50_ms=4.000 p99_ms=12.000"),
                PutLoadResult.parse("RESULT label=etcd ops=100000 errors=2 seconds=20"
                        + " p50_ms=8.000 p99_ms=24.000")));
        assertThat(table).isEqualTo("""
                | system | ops/s | p50 ms | p99 ms | errors |
                |---|---|---|---|---|
                | synod | 10000 | 4.00 | 12.00 | 0 |
                | etcd | 5000 | 8.00 | 24.00 | 2 |
                | synod / etcd | 2.00 | 0.50 | 0.50 | |
                """);
    }

    @Test
    void anEmptyRunHasNoPercentilesAndNoRatio() {
        PutLoadResult empty = PutLoadResult.of("etcd",
                new Histogram(BenchLimits.LATENCY_MICROS_MAX, 3), 5, 20);
        assertThat(empty.p50Millis()).isNaN();
        assertThat(PutLoadResult.ratio(1, empty.p50Millis())).isEqualTo("n/a");
        assertThat(PutLoadResult.ratio(1, 0)).isEqualTo("n/a");
    }
}
