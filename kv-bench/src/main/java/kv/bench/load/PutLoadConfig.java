package kv.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated put-load run (see {@link PutLoadMain}): every value outside its range fails at
 * startup with the option, the value, the range and the unit, never half way through.
 *
 * @param target     RESP (Jedis SET) or ETCD (HTTP/JSON gateway {@code POST /v3/kv/put})
 * @param label      the system's name in the result line and table ("synod", "etcd")
 * @param endpoints  host:port of each node; worker i uses endpoint i mod endpoints.size()
 */
record PutLoadConfig(PutLoadMain.TargetKind target, String label, List<Endpoint> endpoints,
        int threadCount, int durationSeconds, int warmupSeconds, int valueSizeBytes,
        int keyCount, PutLoadMain.Operation operation) {

    PutLoadConfig(PutLoadMain.TargetKind target, String label, List<Endpoint> endpoints,
                  int threadCount, int durationSeconds, int warmupSeconds, int valueSizeBytes,
                  int keyCount) {
        this(target, label, endpoints, threadCount, durationSeconds, warmupSeconds,
                valueSizeBytes, keyCount, PutLoadMain.Operation.PUT);
    }

    /** Largest value; etcd's default request limit is 1.5 MiB and base64 grows it by 4/3. */
    static final int VALUE_SIZE_BYTES_MAX = 1 << 20;
    static final int KEY_COUNT_MAX = 100_000_000;
    static final int ENDPOINTS_COUNT_MAX = 16;

    record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    PutLoadConfig {
        endpoints = List.copyOf(endpoints);
        if (label == null || !label.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("--label '" + label
                    + "' must be 1..32 characters of A-Z a-z 0-9 _ . -");
        }
        if (endpoints.isEmpty() || endpoints.size() > ENDPOINTS_COUNT_MAX) {
            throw new IllegalArgumentException("--endpoints has " + endpoints.size()
                    + " entries; allowed: 1.." + ENDPOINTS_COUNT_MAX);
        }
        range("--threads", threadCount, 1, BenchLimits.THREADS_COUNT_MAX, "threads");
        range("--duration-seconds", durationSeconds, 1, BenchLimits.DURATION_SECONDS_MAX, "s");
        range("--warmup-seconds", warmupSeconds, 0, BenchLimits.WARMUP_SECONDS_MAX, "s");
        range("--value-size-bytes", valueSizeBytes, 1, VALUE_SIZE_BYTES_MAX, "bytes");
        range("--keys", keyCount, 1, KEY_COUNT_MAX, "keys");
        if (operation == PutLoadMain.Operation.GET_SERIALIZABLE && target != PutLoadMain.TargetKind.ETCD) {
            throw new IllegalArgumentException("--operation GET_SERIALIZABLE is etcd's local read;"
                    + " use GET for RESP targets");
        }
    }

    Endpoint endpointOf(int workerIndex) {
        return endpoints.get(workerIndex % endpoints.size());
    }

    /**
     * Parses "host:port,host:port"; every host must be a loopback address (127.0.0.0/8 or
     * localhost): this driver is for local comparisons only.
     */
    static List<Endpoint> parseEndpoints(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--endpoints is empty; expected host:port[,host:port...]");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new IllegalArgumentException("--endpoints entry '" + part
                        + "' is not host:port");
            }
            String host = part.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(part.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--endpoints entry '" + part
                        + "' has a port that is not a number");
            }
            range("--endpoints port", port, 1, 65_535, "");
            if (!host.equals("localhost") && !host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException("--endpoints host '" + host
                        + "' is not a loopback address (127.0.0.0/8 or localhost)");
            }
            endpoints.add(new Endpoint(host, port));
        }
        return endpoints;
    }

    private static void range(String option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " " + value + " is out of range; allowed: "
                    + min + ".." + max + (unit.isEmpty() ? "" : " " + unit));
        }
    }
}
