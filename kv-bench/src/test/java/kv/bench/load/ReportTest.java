package kv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Measurements and reports: errors apart from latencies, warm-up dropped, files complete. */
class ReportTest {

    private static RunResult sampleResult() {
        Measurements measurements = new Measurements();
        // Warm-up: recorded, then dropped by a non-measuring drain.
        measurements.recordLatency(OperationType.READ, 50_000_000);
        measurements.recordError(OperationType.READ, "warm-up failure");
        measurements.drain(false, 0, 1);
        for (int i = 1; i <= 1000; i++) {
            measurements.recordLatency(OperationType.READ, i * 1000L); // 1..1000 us
            measurements.recordLatency(OperationType.UPDATE, i * 2000L);
        }
        measurements.recordError(OperationType.UPDATE, "JedisDataException: \"quoted\"\nline");
        measurements.drain(true, 1, 1);
        for (int i = 0; i < 10; i++) measurements.recordLatency(OperationType.READ, 300_000);
        measurements.drain(true, 2, 1);
        EnumMap<OperationType, Histogram> histograms = new EnumMap<>(OperationType.class);
        EnumMap<OperationType, Long> errors = new EnumMap<>(OperationType.class);
        for (OperationType type : new OperationType[] {OperationType.READ,
                OperationType.UPDATE}) {
            histograms.put(type, measurements.total(type));
            errors.put(type, measurements.errorCount(type));
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("workload", "A <update heavy>");
        config.put("threads", "4");
        return new RunResult("synod", "run", "A", config, Instant.parse("2026-01-01T00:00:00Z"),
                2.0, histograms, errors, measurements.totalAll(), measurements.errorCountAll(),
                measurements.errorSamples(), measurements.series());
    }

    /** Warm-up operations and errors never reach the totals; errors are not latencies. */
    @Test
    void measurementsSeparateErrorsAndDropWarmup() {
        RunResult result = sampleResult();
        assertThat(result.histograms().get(OperationType.READ).getTotalCount()).isEqualTo(1010);
        assertThat(result.histograms().get(OperationType.UPDATE).getTotalCount()).isEqualTo(1000);
        assertThat(result.errorCounts().get(OperationType.READ)).isZero();
        assertThat(result.errorCounts().get(OperationType.UPDATE)).isEqualTo(1);
        assertThat(result.errorSamples()).hasSize(1);
        assertThat(RunResult.percentileMillis(result.histograms().get(OperationType.READ), 50))
                .isCloseTo(0.505, org.assertj.core.api.Assertions.within(0.01));
        assertThat(RunResult.percentileMillis(result.totalHistogram(), 100))
                .isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.01)); // not 50 ms warm-up
        assertThat(result.series()).hasSize(2);
        assertThat(result.series().get(0).operationsPerSecond()).isEqualTo(2000);
        assertThat(result.throughputOpsPerSecond()).isEqualTo(1005);
        assertThat(result.summaryLine()).startsWith("SUMMARY target=synod phase=run workload=A")
                .contains("opsPerSecond=1005.0").contains("errors=1");
    }

    /** JSON: valid, with config, per-operation counts, errors, percentiles and the series. */
    @Test
    void jsonHoldsEveryField() {
        String json = JsonReport.render(sampleResult());
        JSONObject root = new JSONObject(json);
        assertThat(root.getString("target")).isEqualTo("synod");
        assertThat(root.getJSONObject("config").getString("workload"))
                .isEqualTo("A <update heavy>");
        JSONObject read = root.getJSONObject("operations").getJSONObject("READ");
        assertThat(read.getLong("count")).isEqualTo(1010);
        assertThat(read.getLong("errors")).isZero();
        JSONObject latency = read.getJSONObject("latencyMs");
        for (String key : new String[] {"p50", "p90", "p99", "p99.9", "max"}) {
            assertThat(latency.has(key)).as(key).isTrue();
        }
        assertThat(latency.getDouble("p99")).isLessThanOrEqualTo(latency.getDouble("p99.9"));
        assertThat(read.getJSONArray("percentileCurveMs").length())
                .isEqualTo(RunResult.CURVE_PERCENTILES.length);
        assertThat(root.getJSONObject("operations").getJSONObject("UPDATE").getLong("errors"))
                .isEqualTo(1);
        JSONObject errors = root.getJSONObject("errors");
        assertThat(errors.getLong("count")).isEqualTo(1);
        assertThat(errors.getJSONArray("samples").getJSONObject(0).getString("message"))
                .contains("\"quoted\"\nline");
        JSONObject series = root.getJSONObject("series");
        assertThat(series.getJSONArray("opsPerSecond").length()).isEqualTo(2);
        assertThat(series.getJSONArray("p99Ms").length()).isEqualTo(2);
        assertThat(root.getJSONObject("total").getDouble("throughputOpsPerSecond"))
                .isEqualTo(1005);
    }

    /** HTML: one self-contained page, three inline SVG charts, text escaped, no scripts. */
    @Test
    void htmlIsSelfContainedWithCharts() {
        String html = HtmlReport.render(sampleResult());
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html.split("<svg", -1)).hasSize(4);
        assertThat(html.split("</svg>", -1)).hasSize(4);
        assertThat(html).contains("<polyline").contains("99.9%").contains("READ")
                .contains("A &lt;update heavy&gt;").doesNotContain("A <update")
                .doesNotContain("<script");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
    }

    /** An empty phase (nothing succeeded) still renders. */
    @Test
    void emptyResultRenders() {
        RunResult empty = new RunResult("redis", "run", "C", Map.of(), Instant.EPOCH, 0,
                new EnumMap<>(OperationType.class), new EnumMap<>(OperationType.class),
                new Histogram(3), 0, Map.of(), java.util.List.of());
        assertThat(new JSONObject(JsonReport.render(empty)).getLong("measuredSeconds")).isZero();
        assertThat(HtmlReport.render(empty)).contains("<svg");
    }
}
