package kv.bench.load;

import java.util.List;

/**
 * A validated client-comparison run (see {@link ClientBenchMain}): every value outside its
 * range fails at startup with the option, the value, the range and the unit.
 *
 * @param client     which client library drives the load
 * @param operation  GET or SET of one key per request, or LOAD (SET every key once, unmeasured)
 * @param endpoints  the cluster's client addresses: kv-client takes them all as seeds and routes
 *                   by itself; Lettuce and Jedis connect thread i to endpoint i mod n
 * @param threadCount threads issuing requests
 * @param depth      requests each thread keeps in flight: concurrency = threads x depth for
 *                   every client (Jedis: one pipeline of {@code depth} commands per round trip)
 * @param readFrom   kv-client's read routing (the others cannot route)
 * @param exactlyOnce kv-client: writes through exactly-once sessions (its default)
 * @param label      the name in the results ("kvclient", "lettuce", "jedis" by default)
 * @param connectionsPerNode kv-client and Lettuce: connections per node, shared by the threads
 *                   (Jedis needs one connection per thread)
 */
record ClientBenchConfig(ClientBenchMain.ClientKind client, ClientBenchMain.Operation operation,
        List<PutLoadConfig.Endpoint> endpoints, int threadCount, int depth,
        int connectionsPerNode, int keyCount, int valueSizeBytes, int durationSeconds,
        int warmupSeconds, int round, kv.client.ReadFrom readFrom, boolean exactlyOnce,
        String label) {

    /** In-flight requests per thread; the server pipelines at most 1024 commands per batch. */
    static final int DEPTH_MAX = 4096;
    /** kv-client's own bound (ClientLimits.CONNECTIONS_PER_NODE_COUNT_MAX). */
    static final int CONNECTIONS_PER_NODE_MAX = 64;
    /** Keys are built once before the run (about 60 bytes each with their array slot). */
    static final int KEY_COUNT_MAX = 1_000_000;
    static final int ROUND_MAX = 1000;

    ClientBenchConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty() || endpoints.size() > PutLoadConfig.ENDPOINTS_COUNT_MAX) {
            throw new IllegalArgumentException("--endpoints has " + endpoints.size()
                    + " entries; allowed: 1.." + PutLoadConfig.ENDPOINTS_COUNT_MAX);
        }
        range("--threads", threadCount, 1, BenchLimits.THREADS_COUNT_MAX, "threads");
        range("--depth", depth, 1, DEPTH_MAX, "requests");
        range("--connections-per-node", connectionsPerNode, 1, CONNECTIONS_PER_NODE_MAX, "connections");
        range("--keys", keyCount, 1, KEY_COUNT_MAX, "keys");
        range("--value-size-bytes", valueSizeBytes, 1, PutLoadConfig.VALUE_SIZE_BYTES_MAX, "bytes");
        range("--duration-seconds", durationSeconds, 1, BenchLimits.DURATION_SECONDS_MAX, "s");
        range("--warmup-seconds", warmupSeconds, 0, BenchLimits.WARMUP_SECONDS_MAX, "s");
        range("--round", round, 0, ROUND_MAX, "");
        if (label == null || !label.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("--label '" + label
                    + "' must be 1..32 characters of A-Z a-z 0-9 _ . -");
        }
    }

    /** Requests in flight at most, across all threads: the same for every client. */
    int concurrency() {
        return threadCount * depth;
    }

    PutLoadConfig.Endpoint endpointOf(int threadIndex) {
        return endpoints.get(threadIndex % endpoints.size());
    }

    private static void range(String option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " " + value + " is out of range; allowed: "
                    + min + ".." + max + (unit.isEmpty() ? "" : " " + unit));
        }
    }
}
