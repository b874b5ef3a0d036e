package kv.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The JSON file of one phase, written by hand (a few fields, no library needed). Layout:
 * config, per-operation counts, errors, throughput and latency percentiles in milliseconds
 * (p50, p90, p99, p99.9, max), the percentile curve, and the per-second series.
 */
final class JsonReport {
    private JsonReport() {}

    static String render(RunResult result) {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\n");
        field(out, 1, "tool", string("kv-bench ycsb")).append(",\n");
        field(out, 1, "target", string(result.targetName())).append(",\n");
        field(out, 1, "phase", string(result.phase())).append(",\n");
        field(out, 1, "workload", string(result.workloadLabel())).append(",\n");
        field(out, 1, "startedAt", string(result.startedAt().toString())).append(",\n");
        field(out, 1, "measuredSeconds", number(result.measuredSeconds())).append(",\n");
        indent(out, 1).append("\"config\": {");
        int index = 0;
        for (Map.Entry<String, String> entry : result.config().entrySet()) {
            out.append(index++ == 0 ? "\n" : ",\n");
            field(out, 2, entry.getKey(), string(entry.getValue()));
        }
        out.append('\n');
        indent(out, 1).append("},\n");
        indent(out, 1).append("\"total\": ");
        operation(out, result.totalHistogram(), result.errorCountAll(), result.measuredSeconds());
        out.append(",\n");
        indent(out, 1).append("\"operations\": {");
        index = 0;
        for (Map.Entry<OperationType, Histogram> entry : result.histograms().entrySet()) {
            out.append(index++ == 0 ? "\n" : ",\n");
            indent(out, 2).append(string(entry.getKey().name())).append(": ");
            operation(out, entry.getValue(), result.errorCounts().get(entry.getKey()),
                    result.measuredSeconds());
        }
        out.append('\n');
        indent(out, 1).append("},\n");
        errors(out, result.errorCountAll(), result.errorSamples());
        series(out, result.series());
        out.append("}\n");
        return out.toString();
    }

    private static void operation(StringBuilder out, Histogram histogram, long errorCount,
                                  double measuredSeconds) {
        out.append("{\"count\": ").append(histogram.getTotalCount());
        out.append(", \"errors\": ").append(errorCount);
        out.append(", \"throughputOpsPerSecond\": ").append(number(
                measuredSeconds > 0 ? histogram.getTotalCount() / measuredSeconds : 0));
        out.append(", \"latencyMs\": {");
        int index = 0;
        for (Map.Entry<String, Double> entry : RunResult.PERCENTILES.entrySet()) {
            if (index++ > 0) out.append(", ");
            out.append(string(entry.getKey())).append(": ")
                    .append(number(RunResult.percentileMillis(histogram, entry.getValue())));
        }
        out.append(", \"mean\": ").append(number(histogram.getTotalCount() == 0
                ? 0 : histogram.getMean() / 1000.0));
        out.append("}, \"percentileCurveMs\": [");
        for (int i = 0; i < RunResult.CURVE_PERCENTILES.length; i++) {
            double percentile = RunResult.CURVE_PERCENTILES[i];
            if (i > 0) out.append(", ");
            out.append('[').append(number(percentile)).append(", ")
                    .append(number(RunResult.percentileMillis(histogram, percentile))).append(']');
        }
        out.append("]}");
    }

    private static void errors(StringBuilder out, long errorCount, Map<String, Long> samples) {
        indent(out, 1).append("\"errors\": {\"count\": ").append(errorCount)
                .append(", \"samples\": [");
        int index = 0;
        for (Map.Entry<String, Long> entry : samples.entrySet()) {
            out.append(index++ == 0 ? "\n" : ",\n");
            indent(out, 2).append("{\"message\": ").append(string(entry.getKey()))
                    .append(", \"count\": ").append(entry.getValue()).append('}');
        }
        if (index > 0) out.append('\n').append("  ");
        out.append("]},\n");
    }

    private static void series(StringBuilder out, List<Measurements.SeriesPoint> series) {
        indent(out, 1).append("\"series\": {\"intervalSeconds\": 1");
        out.append(",\n    \"elapsedSeconds\": [");
        for (int i = 0; i < series.size(); i++) {
            out.append(i > 0 ? ", " : "").append(number(series.get(i).elapsedSeconds()));
        }
        out.append("],\n    \"opsPerSecond\": [");
        for (int i = 0; i < series.size(); i++) {
            out.append(i > 0 ? ", " : "").append(number(series.get(i).operationsPerSecond()));
        }
        out.append("],\n    \"errors\": [");
        for (int i = 0; i < series.size(); i++) {
            out.append(i > 0 ? ", " : "").append(series.get(i).errorCount());
        }
        out.append("],\n    \"p50Ms\": [");
        for (int i = 0; i < series.size(); i++) {
            out.append(i > 0 ? ", " : "").append(number(series.get(i).p50Millis()));
        }
        out.append("],\n    \"p99Ms\": [");
        for (int i = 0; i < series.size(); i++) {
            out.append(i > 0 ? ", " : "").append(number(series.get(i).p99Millis()));
        }
        out.append("]}\n");
    }

    private static StringBuilder field(StringBuilder out, int depth, String name, String value) {
        return indent(out, depth).append(string(name)).append(": ").append(value);
    }

    private static StringBuilder indent(StringBuilder out, int depth) {
        for (int i = 0; i < depth; i++) out.append("  ");
        return out;
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return "null";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
