package kv.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one client-comparison run measured: successful requests started in the measured window
 * and their latencies (microseconds), errors apart. {@link #resultLine()} is the line the
 * script collects; {@link #table} turns the lines of a whole comparison into markdown with the
 * ratios of kv-client to each other client, per operation and round.
 */
record ClientBenchResult(String client, String operation, int round, int concurrency,
        long operations, long errors, double seconds, double p50Millis, double p99Millis,
        double cpuMicrosPerOperation) {

    static final String KV_CLIENT = "kvclient";

    /** @param cpuNanos CPU time of the client JVM in the measured window */
    static ClientBenchResult of(ClientBenchConfig config, Histogram latencyMicros, long errors,
            long cpuNanos) {
        long operations = latencyMicros.getTotalCount();
        double p50 = operations == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(50) / 1000.0;
        double p99 = operations == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(99) / 1000.0;
        return new ClientBenchResult(config.label(), config.operation().name(),
                config.round(), config.concurrency(), operations, errors, config.durationSeconds(),
                p50, p99, operations == 0 ? Double.NaN : cpuNanos / 1000.0 / operations);
    }

    double opsPerSecond() {
        return operations / seconds;
    }

    String resultLine() {
        return String.format(Locale.ROOT, "RESULT client=%s op=%s round=%d concurrency=%d ops=%d"
                        + " errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f cpu_us_per_op=%.2f", client,
                operation, round, concurrency, operations, errors, seconds, p50Millis, p99Millis,
                cpuMicrosPerOperation);
    }

    static ClientBenchResult parse(String line) {
        if (!line.startsWith("RESULT ")) throw new IllegalArgumentException("not a RESULT line: " + line);
        Map<String, String> fields = new TreeMap<>();
        for (String part : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int equals = part.indexOf('=');
            if (equals <= 0) throw new IllegalArgumentException("bad field '" + part + "' in: " + line);
            fields.put(part.substring(0, equals), part.substring(equals + 1));
        }
        try {
            return new ClientBenchResult(required(fields, "client", line), required(fields, "op", line),
                    Integer.parseInt(required(fields, "round", line)),
                    Integer.parseInt(required(fields, "concurrency", line)),
                    Long.parseLong(required(fields, "ops", line)),
                    Long.parseLong(required(fields, "errors", line)),
                    Double.parseDouble(required(fields, "seconds", line)),
                    Double.parseDouble(required(fields, "p50_ms", line)),
                    Double.parseDouble(required(fields, "p99_ms", line)),
                    Double.parseDouble(required(fields, "cpu_us_per_op", line)));
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
     * One row per client, operation and round, in input order; then per operation, for every
     * kv-client variant (label "kvclient..."), its ratios to every other client over all rounds: throughput (summed operations, higher is
     * better) and the median of the per-round p50 and p99 ratios (lower is better).
     */
    static String table(List<ClientBenchResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| op | round | client | concurrency | ops/s | p50 ms | p99 ms | errors"
                + " | client CPU us/op |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ClientBenchResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.0f | %.2f | %.2f | %d | %.1f |\n",
                    r.operation, r.round, r.client, r.concurrency, r.opsPerSecond(), r.p50Millis,
                    r.p99Millis, r.errors, r.cpuMicrosPerOperation));
        }
        out.append("\n| op | kv-client | vs | throughput ratio | p50 ratio | p99 ratio | rounds |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (String operation : distinct(results, true, null)) {
            List<String> clients = distinct(results, false, operation);
            for (String kv : clients) {
                if (!kv.startsWith(KV_CLIENT)) continue;
                for (String other : clients) {
                    if (!other.startsWith(KV_CLIENT)) appendRatios(out, results, operation, kv, other);
                }
            }
        }
        return out.toString();
    }

    private static void appendRatios(StringBuilder out, List<ClientBenchResult> results,
            String operation, String kvLabel, String other) {
        long kvOperations = 0;
        long otherOperations = 0;
        double kvSeconds = 0;
        double otherSeconds = 0;
        List<Double> p50Ratios = new ArrayList<>();
        List<Double> p99Ratios = new ArrayList<>();
        for (ClientBenchResult kv : results) {
            if (!kv.client.equals(kvLabel) || !kv.operation.equals(operation)) continue;
            for (ClientBenchResult o : results) {
                if (!o.client.equals(other) || !o.operation.equals(operation) || o.round != kv.round) {
                    continue;
                }
                kvOperations += kv.operations;
                kvSeconds += kv.seconds;
                otherOperations += o.operations;
                otherSeconds += o.seconds;
                p50Ratios.add(kv.p50Millis / o.p50Millis);
                p99Ratios.add(kv.p99Millis / o.p99Millis);
            }
        }
        if (p50Ratios.isEmpty()) return;
        double throughput = otherOperations == 0 ? Double.NaN
                : (kvOperations / kvSeconds) / (otherOperations / otherSeconds);
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2f | %d |\n", operation,
                kvLabel, other, throughput, median(p50Ratios), median(p99Ratios), p50Ratios.size()));
    }

    private static List<String> distinct(List<ClientBenchResult> results, boolean operations,
            String operation) {
        List<String> out = new ArrayList<>();
        for (ClientBenchResult r : results) {
            if (!operations && !r.operation.equals(operation)) continue;
            String value = operations ? r.operation : r.client;
            if (!out.contains(value)) out.add(value);
        }
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
