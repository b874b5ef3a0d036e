package kv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import kv.client.ReadFrom;
import org.junit.jupiter.api.Test;

/** The client comparison's pure parts: option checks, result lines and the ratio table. */
class ClientBenchTest {
    private static ClientBenchConfig config(int threads, int depth, String label) {
        return new ClientBenchConfig(ClientBenchMain.ClientKind.KVCLIENT, ClientBenchMain.Operation.GET,
                List.of(new PutLoadConfig.Endpoint("127.0.0.1", 7761)), threads, depth, 1, 1000, 100,
                10, 2, 1, ReadFrom.AUTO, true, label);
    }

    @Test
    void concurrencyIsThreadsTimesDepthAndOptionsAreBounded() {
        assertThat(config(8, 32, "kvclient").concurrency()).isEqualTo(256);
        assertThatThrownBy(() -> config(0, 32, "kvclient"))
                .hasMessage("--threads 0 is out of range; allowed: 1..1024 threads");
        assertThatThrownBy(() -> config(8, 5000, "kvclient"))
                .hasMessage("--depth 5000 is out of range; allowed: 1..4096 requests");
        assertThatThrownBy(() -> config(8, 32, "a b")).hasMessageContaining("--label 'a b'");
    }

    @Test
    void resultLinesRoundTrip() {
        ClientBenchResult result = new ClientBenchResult("kvclient", "GET", 2, 256, 300_000, 3, 15,
                5.25, 19.5, 5.4);
        assertThat(ClientBenchResult.parse(result.resultLine())).isEqualTo(result);
        assertThatThrownBy(() -> ClientBenchResult.parse("RESULT client=x op=GET"))
                .hasMessageContaining("no round=");
    }

    @Test
    void tableQuotesKvClientRatiosOverAllRounds() {
        // Throughput ratio from summed operations; latency ratios are medians of per-round ratios.
        List<ClientBenchResult> results = List.of(
                new ClientBenchResult("kvclient", "GET", 1, 256, 300, 0, 10, 2, 10, 5),
                new ClientBenchResult("lettuce", "GET", 1, 256, 100, 0, 10, 4, 10, 10),
                new ClientBenchResult("lettuce", "GET", 2, 256, 200, 0, 10, 4, 20, 10),
                new ClientBenchResult("kvclient", "GET", 2, 256, 300, 0, 10, 2, 10, 5));
        String table = ClientBenchResult.table(results);
        assertThat(table).contains("| GET | 1 | kvclient | 256 | 30 | 2.00 | 10.00 | 0 | 5.0 |");
        assertThat(table).contains("| GET | kvclient | lettuce | 2.00 | 0.50 | 0.75 | 2 |");
    }
}
