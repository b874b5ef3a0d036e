package kv.bench.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Client comparison at equal concurrency (issue 7): pipelined GET or SET of one random key
 * (uniform over {@code --keys}) through kv-client, Lettuce or Jedis against the same cluster.
 * Each of {@code --threads} threads keeps {@code --depth} requests in flight, so every client
 * has threads x depth requests outstanding at most. Latency runs from a request's issue to its
 * completion; requests started during the warm-up are dropped, those started in the next
 * {@code --duration-seconds} are measured. One RESULT line on stdout; {@code --table} turns
 * collected lines into markdown with kv-client's ratios.
 *
 * <pre>
 * java -cp kv-bench/target/benchmarks.jar kv.bench.load.ClientBenchMain --client KVCLIENT \
 *     --op GET --endpoints 127.0.0.1:7761,127.0.0.1:7762,127.0.0.1:7763 --threads 8 --depth 32
 * java -cp kv-bench/target/benchmarks.jar kv.bench.load.ClientBenchMain --table &lt; results
 * </pre>
 */
@Command(name = "clientbench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pipelined GET/SET through kv-client, Lettuce or Jedis at equal concurrency.")
public final class ClientBenchMain implements Callable<Integer> {
    enum ClientKind {
        KVCLIENT("kvclient"), LETTUCE("lettuce"), JEDIS("jedis");

        final String label;

        ClientKind(String label) {
            this.label = label;
        }
    }

    enum Operation { GET, SET, LOAD }

    @Option(names = "--table", description = "Read RESULT lines on stdin, print the markdown"
            + " tables (kv-client's ratios to the others); runs nothing.")
    boolean table;

    @Option(names = "--client", defaultValue = "KVCLIENT",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ClientKind client;

    @Option(names = "--op", defaultValue = "GET", description = "GET, SET, or LOAD (SET every"
            + " key once, unmeasured; run it before GET).")
    Operation operation;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:6379,127.0.0.1:6380,127.0.0.1:6381",
            description = "host:port,... of the cluster's nodes, loopback only.")
    String endpoints;

    @Option(names = "--threads", defaultValue = "8", description = "Threads issuing requests.")
    int threadCount;

    @Option(names = "--depth", defaultValue = "32", description = "Requests in flight per thread.")
    int depth;

    @Option(names = "--connections-per-node", defaultValue = "1",
            description = "kv-client and Lettuce: shared connections per node (Jedis: one per thread).")
    int connectionsPerNode;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct keys (uniform).")
    int keyCount;

    @Option(names = "--value-size-bytes", defaultValue = "100", description = "Bytes per value.")
    int valueSizeBytes;

    @Option(names = "--duration-seconds", defaultValue = "15", description = "Measured seconds.")
    int durationSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Unmeasured seconds first.")
    int warmupSeconds;

    @Option(names = "--read-from", defaultValue = "AUTO",
            description = "kv-client's read routing: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    kv.client.ReadFrom readFrom;

    @Option(names = "--exactly-once", defaultValue = "true", arity = "1",
            description = "kv-client: writes through exactly-once sessions (default ${DEFAULT-VALUE}).")
    boolean exactlyOnce;

    @Option(names = "--label", description = "Name in the results (default: the client's).")
    String label;

    @Option(names = "--round", defaultValue = "1", description = "Round number for the table.")
    int round;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClientBenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (table) return printTable();
        ClientBenchConfig config;
        try {
            config = new ClientBenchConfig(client, operation, PutLoadConfig.parseEndpoints(endpoints),
                    threadCount, depth, connectionsPerNode, keyCount, valueSizeBytes, durationSeconds,
                    warmupSeconds, round, readFrom, exactlyOnce, label == null ? client.label : label);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return run(config);
    }

    private static int printTable() throws Exception {
        List<ClientBenchResult> results = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("RESULT ")) results.add(ClientBenchResult.parse(line));
        }
        System.out.print(ClientBenchResult.table(results));
        return results.isEmpty() ? 1 : 0;
    }

    /** Key i as redis-benchmark spells it with -r: {@code key:000000012345}. */
    static byte[][] keys(int count) {
        byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++) keys[i] = PutLoadMain.key(i);
        return keys;
    }

    static int run(ClientBenchConfig config) throws InterruptedException {
        byte[][] keys = keys(config.keyCount());
        byte[] value = new byte[config.valueSizeBytes()];
        SplittableRandom random = new SplittableRandom(0x5EEDL);
        for (int i = 0; i < value.length; i++) value[i] = (byte) ('a' + random.nextInt(26));
        Recorder latency = new Recorder(3);
        LongAdder errors = new LongAdder();
        ErrorSamples samples = new ErrorSamples();
        CountDownLatch start = new CountDownLatch(1);
        long[] window = new long[2];
        AsyncKv kv = switch (config.client()) {
            case KVCLIENT -> new KvClientAsync(config);
            case LETTUCE -> new LettuceAsync(config);
            case JEDIS -> null;
        };
        List<ClientBenchWorker> workers = new ArrayList<>();
        try {
            for (int t = 0; t < config.threadCount(); t++) {
                workers.add(kv != null
                        ? new AsyncBenchWorker(kv, config, t, keys, value, latency, errors, samples, start, window)
                        : new JedisBenchWorker(config, t, keys, value, latency, errors, samples, start, window));
            }
            for (ClientBenchWorker worker : workers) worker.start();
            long now = System.nanoTime();
            window[0] = now + TimeUnit.SECONDS.toNanos(config.warmupSeconds());
            window[1] = window[0] + TimeUnit.SECONDS.toNanos(config.durationSeconds());
            System.err.printf("%s %s: %d threads x depth %d on %s, %d s warm-up, %d s measured%n",
                    config.label(), config.operation(), config.threadCount(), config.depth(),
                    config.endpoints(), config.warmupSeconds(), config.durationSeconds());
            start.countDown();
            long cpuNanos = config.operation() == Operation.LOAD ? 0 : measureCpuNanos(window);
            boolean stalled = join(workers, config);
            for (String line : samples.lines()) System.err.println(config.label() + " error: " + line);
            if (config.operation() == Operation.LOAD) {
                System.err.printf("loaded %d keys in %.1f s, %d errors%n", keys.length,
                        (System.nanoTime() - now) / 1e9, errors.sum());
                return errors.sum() == 0 && !stalled ? 0 : 1;
            }
            Histogram total = latency.getIntervalHistogram();
            System.out.println(ClientBenchResult.of(config, total, errors.sum(), cpuNanos).resultLine());
            return stalled ? 1 : 0;
        } finally {
            if (kv != null) kv.close();
        }
    }

    /**
     * CPU time this JVM (the client library and the bench threads) used during the measured
     * window: the client's cost per request, apart from the servers sharing the machine.
     */
    private static long measureCpuNanos(long[] window) throws InterruptedException {
        sleepUntil(window[0]);
        long before = processCpuNanos();
        sleepUntil(window[1]);
        return processCpuNanos() - before;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Waits for every worker, bounded; true if one stalled or did not stop in time. */
    private static boolean join(List<ClientBenchWorker> workers, ClientBenchConfig config)
            throws InterruptedException {
        long runNanos = TimeUnit.SECONDS.toNanos(config.operation() == Operation.LOAD
                ? BenchLimits.DURATION_SECONDS_MAX : config.warmupSeconds() + config.durationSeconds());
        long deadline = System.nanoTime() + runNanos + TimeUnit.SECONDS.toNanos(BenchLimits.STOP_GRACE_SECONDS);
        boolean stalled = false;
        for (ClientBenchWorker worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (worker.isAlive()) {
                System.err.println(worker.getName() + " did not stop " + BenchLimits.STOP_GRACE_SECONDS
                        + " s after the end of the run (a hung client or server)");
                stalled = true;
            }
            if (worker instanceof AsyncBenchWorker async && async.stalled) {
                System.err.println(worker.getName() + " waited over " + ClientBenchWorker.ROOM_WAIT_MILLIS_MAX
                        + " ms for a reply: requests hung");
                stalled = true;
            }
        }
        return stalled;
    }
}
