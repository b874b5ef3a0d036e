package kv.bench.load;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one phase measured, ready for the JSON and HTML reports. Latencies are in microseconds
 * inside the histograms and reported in milliseconds.
 *
 * @param config the options of the run, in the order they are reported
 * @param measuredSeconds wall time of the measured window (after warm-up)
 */
record RunResult(
        String targetName,
        String phase,
        String workloadLabel,
        Map<String, String> config,
        Instant startedAt,
        double measuredSeconds,
        EnumMap<OperationType, Histogram> histograms,
        EnumMap<OperationType, Long> errorCounts,
        Histogram totalHistogram,
        long errorCountAll,
        Map<String, Long> errorSamples,
        List<Measurements.SeriesPoint> series) {

    /** Percentiles the JSON and the summary report, by name. */
    static final Map<String, Double> PERCENTILES = percentiles();
    /** Points of the latency percentile curves (HdrHistogram's classic plot). */
    static final double[] CURVE_PERCENTILES = {
        0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 100
    };

    private static Map<String, Double> percentiles() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put("p50", 50.0);
        map.put("p90", 90.0);
        map.put("p99", 99.0);
        map.put("p99.9", 99.9);
        map.put("max", 100.0);
        return map;
    }

    double throughputOpsPerSecond() {
        return measuredSeconds > 0 ? totalHistogram.getTotalCount() / measuredSeconds : 0;
    }

    double throughputOpsPerSecond(OperationType type) {
        return measuredSeconds > 0 ? histograms.get(type).getTotalCount() / measuredSeconds : 0;
    }

    static double percentileMillis(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) return 0;
        if (percentile >= 100) return histogram.getMaxValue() / 1000.0;
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** One line for scripts: key=value fields, parsed by scripts/bench.sh. */
    String summaryLine() {
        return String.format(java.util.Locale.ROOT,
                "SUMMARY target=%s phase=%s workload=%s opsPerSecond=%.1f p50Ms=%.3f"
                        + " p99Ms=%.3f p999Ms=%.3f maxMs=%.3f operations=%d errors=%d seconds=%.1f",
                targetName, phase, workloadLabel, throughputOpsPerSecond(),
                percentileMillis(totalHistogram, 50), percentileMillis(totalHistogram, 99),
                percentileMillis(totalHistogram, 99.9), percentileMillis(totalHistogram, 100),
                totalHistogram.getTotalCount(), errorCountAll, measuredSeconds);
    }
}
