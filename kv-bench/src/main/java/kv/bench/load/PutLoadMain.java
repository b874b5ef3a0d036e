package kv.bench.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Durable-write load for comparing systems: closed loop, each of {@code --threads} workers
 * puts a {@code --value-size-bytes} value under a random key of {@code --keys}, waits for the
 * acknowledgement, and puts the next. Worker i talks to endpoint i mod n. Latency of requests
 * started during the {@code --warmup-seconds} is dropped; those started in the next
 * {@code --duration-seconds} are measured (HdrHistogram, microseconds). Failed puts are
 * counted as errors, never as throughput or latency. Prints one RESULT line on stdout.
 *
 * <pre>
 * java -cp kv-bench/target/benchmarks.jar kv.bench.load.PutLoadMain --target RESP \
 *     --label synod --endpoints 127.0.0.1:7801,127.0.0.1:7802,127.0.0.1:7803 \
 *     --threads 64 --duration-seconds 20 --warmup-seconds 5 --value-size-bytes 100
 * java -cp kv-bench/target/benchmarks.jar kv.bench.load.PutLoadMain --table &lt; results
 * </pre>
 */
@Command(name = "putload", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Closed-loop durable puts against RESP (SET) or etcd (HTTP/JSON gateway).")
public final class PutLoadMain implements Callable<Integer> {
    enum TargetKind {
        /** Any Redis-protocol server: {@code SET key value} through Jedis. */
        RESP,
        /** etcd v3: {@code POST /v3/kv/put} on the client URL, base64 key and value. */
        ETCD
    }

    /** What each request does. */
    enum Operation {
        PUT,
        /** The system's linearizable read (Synod strong GET; etcd's default range). */
        GET,
        /** etcd's serializable range: the member's local state, possibly stale. */
        GET_SERIALIZABLE
    }

    /** Pause after a failed put, so a dead node costs a bounded number of attempts. */
    static final int ERROR_BACKOFF_MILLIS = 10;
    static final int ERROR_SAMPLES_COUNT_MAX = BenchLimits.ERROR_SAMPLES_COUNT_MAX;

    @Option(names = "--table", description = "Read RESULT lines on stdin and print the markdown"
            + " table (first / second ratios); runs nothing.")
    boolean table;

    @Option(names = "--target", defaultValue = "RESP",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    TargetKind target;

    @Option(names = "--operation", defaultValue = "PUT",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Operation operation;

    @Option(names = "--label", defaultValue = "synod", description = "System name in the results.")
    String label;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:6379",
            description = "host:port[,host:port...], loopback only; worker i uses entry i mod n.")
    String endpoints;

    @Option(names = "--threads", defaultValue = "64", description = "Workers, one connection each.")
    int threadCount;

    @Option(names = "--duration-seconds", defaultValue = "20", description = "Measured seconds.")
    int durationSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Unmeasured seconds first.")
    int warmupSeconds;

    @Option(names = "--value-size-bytes", defaultValue = "100", description = "Bytes per value.")
    int valueSizeBytes;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct keys (uniform).")
    int keyCount;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PutLoadMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (table) {
            List<PutLoadResult> results = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                    StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("RESULT ")) results.add(PutLoadResult.parse(line));
            }
            System.out.print(PutLoadResult.table(results));
            return results.isEmpty() ? 1 : 0;
        }
        PutLoadConfig config;
        try {
            config = new PutLoadConfig(target, label, PutLoadConfig.parseEndpoints(endpoints),
                    threadCount, durationSeconds, warmupSeconds, valueSizeBytes, keyCount,
                    operation);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        PutLoadResult result = run(config);
        System.out.println(result.resultLine());
        return 0;
    }

    static PutClient connect(PutLoadConfig config, int workerIndex) {
        PutLoadConfig.Endpoint endpoint = config.endpointOf(workerIndex);
        return switch (config.target()) {
            case RESP -> new RespPutClient(endpoint);
            case ETCD -> new EtcdPutClient(endpoint);
        };
    }

    /** Key i as redis-benchmark spells it with -r: {@code key:000000012345}. */
    static byte[] key(long index) {
        return String.format("key:%012d", index).getBytes(StandardCharsets.US_ASCII);
    }

    static PutLoadResult run(PutLoadConfig config) throws InterruptedException {
        int n = config.threadCount();
        List<PutClient> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) clients.add(connect(config, i));
            Worker[] workers = new Worker[n];
            CountDownLatch start = new CountDownLatch(1);
            long[] window = new long[2]; // measure start, measure end (nanoTime), set before start
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(clients.get(i), config, i, start, window);
                workers[i].setDaemon(true);
                workers[i].start();
            }
            long now = System.nanoTime();
            window[0] = now + TimeUnit.SECONDS.toNanos(config.warmupSeconds());
            window[1] = window[0] + TimeUnit.SECONDS.toNanos(config.durationSeconds());
            System.err.printf("%s: %d workers on %s, %d s warm-up, %d s measured%n",
                    config.label(), n, config.endpoints(), config.warmupSeconds(),
                    config.durationSeconds());
            start.countDown();
            long joinDeadline = window[1] + TimeUnit.SECONDS.toNanos(BenchLimits.STOP_GRACE_SECONDS);
            Histogram total = new Histogram(BenchLimits.LATENCY_MICROS_MAX, 3);
            long errors = 0;
            Set<String> samples = new LinkedHashSet<>();
            for (Worker worker : workers) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime());
                worker.join(Math.max(1, leftMillis));
                if (worker.isAlive()) {
                    throw new IllegalStateException("a worker is still in a request "
                            + BenchLimits.STOP_GRACE_SECONDS + " s after the end of the run");
                }
                total.add(worker.latencyMicros);
                errors += worker.errors;
                for (String sample : worker.errorSamples) {
                    if (samples.size() < ERROR_SAMPLES_COUNT_MAX) samples.add(sample);
                }
            }
            for (String sample : samples) System.err.println(config.label() + " error: " + sample);
            return PutLoadResult.of(config.label(), total, errors, config.durationSeconds());
        } finally {
            for (PutClient client : clients) client.close();
        }
    }

    private static final class Worker extends Thread {
        final Histogram latencyMicros = new Histogram(BenchLimits.LATENCY_MICROS_MAX, 3);
        final List<String> errorSamples = new ArrayList<>();
        long errors;
        private final PutClient client;
        private final PutLoadConfig config;
        private final CountDownLatch start;
        private final long[] window;
        private final SplittableRandom random;

        Worker(PutClient client, PutLoadConfig config, int index, CountDownLatch start,
                long[] window) {
            super("putload-" + index);
            this.client = client;
            this.config = config;
            this.start = start;
            this.window = window;
            this.random = new SplittableRandom(0x5EED_0000L + index);
        }

        @Override
        public void run() {
            byte[] value = new byte[config.valueSizeBytes()];
            for (int i = 0; i < value.length; i++) value[i] = (byte) ('a' + random.nextInt(26));
            try {
                start.await();
            } catch (InterruptedException e) {
                return;
            }
            long measureStart = window[0];
            long measureEnd = window[1];
            while (true) {
                long begin = System.nanoTime();
                if (begin - measureEnd >= 0) return;
                boolean measured = begin - measureStart >= 0;
                try {
                    byte[] key = key(random.nextInt(config.keyCount()));
                    switch (config.operation()) {
                        case PUT -> client.put(key, value);
                        case GET -> client.get(key, false);
                        case GET_SERIALIZABLE -> client.get(key, true);
                    }
                    if (measured) {
                        long micros = (System.nanoTime() - begin) / 1000;
                        latencyMicros.recordValue(Math.min(micros, BenchLimits.LATENCY_MICROS_MAX));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (measured) errors++;
                    if (errorSamples.size() < ERROR_SAMPLES_COUNT_MAX) {
                        errorSamples.add((measured ? "" : "(warm-up) ") + e);
                    }
                    try {
                        Thread.sleep(ERROR_BACKOFF_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }
}
