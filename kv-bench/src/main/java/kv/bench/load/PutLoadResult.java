package kv.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one put-load run measured: acknowledged puts and their latencies (microseconds, only
 * requests started inside the measured window), errors apart. {@link #resultLine()} is the
 * one line scripts collect; {@link #table} turns such lines into the markdown table.
 */
record PutLoadResult(String label, long operations, long errors, double seconds,
        double p50Millis, double p99Millis) {

    static PutLoadResult of(String label, Histogram latencyMicros, long errors, double seconds) {
        long operations = latencyMicros.getTotalCount();
        double p50 = operations == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(50) / 1000.0;
        double p99 = operations == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(99) / 1000.0;
        return new PutLoadResult(label, operations, errors, seconds, p50, p99);
    }

    double opsPerSecond() {
        return operations / seconds;
    }

    /** {@code RESULT label=synod ops=… errors=… seconds=… p50_ms=… p99_ms=…}. */
    String resultLine() {
        return String.format(Locale.ROOT, "RESULT label=%s ops=%d errors=%d seconds=%.3f"
                + " p50_ms=%.3f p99_ms=%.3f", label, operations, errors, seconds, p50Millis, p99Millis);
    }

    /** Parses {@link #resultLine()}; throws with the line when a field is missing. */
    static PutLoadResult parse(String line) {
        if (!line.startsWith("RESULT ")) {
            throw new IllegalArgumentException("not a RESULT line: " + line);
        }
        Map<String, String> fields = new TreeMap<>();
        for (String part : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int equals = part.indexOf('=');
            if (equals <= 0) throw new IllegalArgumentException("bad field '" + part + "' in: " + line);
            fields.put(part.substring(0, equals), part.substring(equals + 1));
        }
        try {
            return new PutLoadResult(required(fields, "label", line),
                    Long.parseLong(required(fields, "ops", line)),
                    Long.parseLong(required(fields, "errors", line)),
                    Double.parseDouble(required(fields, "seconds", line)),
                    Double.parseDouble(required(fields, "p50_ms", line)),
                    Double.parseDouble(required(fields, "p99_ms", line)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in: " + line, e);
        }
    }

    private static String required(Map<String, String> fields, String name, String line) {
        String value = fields.get(name);
        if (value == null) throw new IllegalArgumentException("no " + name + "= in: " + line);
        return value;
    }

    /**
     * The markdown table: system, ops/s, p50 ms, p99 ms, errors, one row per result; then, with
     * two results or more, a row with the ratios of the first to the second (ops/s higher is
     * better, latencies lower is better).
     */
    static String table(List<PutLoadResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| system | ops/s | p50 ms | p99 ms | errors |\n");
        out.append("|---|---|---|---|---|\n");
        for (PutLoadResult result : results) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %d |\n",
                    result.label, result.opsPerSecond(), result.p50Millis, result.p99Millis,
                    result.errors));
        }
        if (results.size() >= 2) {
            PutLoadResult a = results.get(0);
            PutLoadResult b = results.get(1);
            out.append(String.format(Locale.ROOT, "| %s / %s | %s | %s | %s | |\n", a.label,
                    b.label, ratio(a.opsPerSecond(), b.opsPerSecond()),
                    ratio(a.p50Millis, b.p50Millis), ratio(a.p99Millis, b.p99Millis)));
        }
        return out.toString();
    }

    static String ratio(double a, double b) {
        if (!(b > 0) || Double.isNaN(a)) return "n/a";
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
