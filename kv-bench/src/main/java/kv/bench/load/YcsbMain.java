package kv.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * YCSB-style workload driver: load phase, run phase, progress each second on stderr, a JSON
 * and an HTML report per phase, one SUMMARY line per phase on stdout for scripts.
 *
 * <pre>
 * java -cp kv-bench/target/benchmarks.jar kv.bench.load.YcsbMain \
 *     --port 6379 --target-name synod --workload A --records 100000 \
 *     --threads 64 --duration-seconds 30 --warmup-seconds 5 --output-dir results
 * </pre>
 */
@Command(name = "ycsb", mixinStandardHelpOptions = true, sortOptions = false,
        description = "YCSB core workloads A-F and write-only against a Redis-protocol server.")
public final class YcsbMain implements Callable<Integer> {
    enum Phase { LOAD, RUN, BOTH }

    enum TargetKind {
        /** Any Redis-protocol server through Jedis (Synod's node, redis-server). */
        JEDIS,
        /** Synod through kv-client (cluster-aware, exactly-once writes); --port is any seed. */
        SYNOD
    }

    @Option(names = "--target", description = "Client binding: ${COMPLETION-CANDIDATES}"
            + " (default ${DEFAULT-VALUE}).", defaultValue = "JEDIS")
    TargetKind targetKind;

    @Option(names = "--target-name", description = "Label in reports (default ${DEFAULT-VALUE}).",
            defaultValue = "redis")
    String targetName;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host.")
    String host;

    @Option(names = "--port", defaultValue = "6379", description = "Server port.")
    int port;

    @Option(names = "--workload", defaultValue = "A", converter = WorkloadConverter.class,
            description = "A, B, C, D, E, F or write-only (default ${DEFAULT-VALUE}).")
    Workload workload;

    @Option(names = "--phase", defaultValue = "BOTH",
            description = "load, run or both (default ${DEFAULT-VALUE}).")
    Phase phase;

    @Option(names = "--records", defaultValue = "100000",
            description = "Records loaded, and the key range of the run"
                    + " (default ${DEFAULT-VALUE}).")
    long recordCount;

    @Option(names = "--operations", defaultValue = "0",
            description = "Measured operations of the run phase (or use --duration-seconds).")
    long operationCount;

    @Option(names = "--duration-seconds", defaultValue = "0",
            description = "Measured seconds of the run phase (default 30 without --operations).")
    int durationSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "0",
            description = "Seconds run before measuring starts, excluded from results.")
    int warmupSeconds;

    @Option(names = "--threads", defaultValue = "16",
            description = "Worker threads, one connection each (default ${DEFAULT-VALUE}).")
    int threadCount;

    @Option(names = "--target-rate", defaultValue = "0", paramLabel = "OPS_PER_SECOND",
            description = "Open loop at this total rate, latency from each request's scheduled"
                    + " start; 0 = closed loop (default).")
    long targetRateOpsPerSecond;

    @Option(names = "--field-count", defaultValue = "10", description = "Fields per record.")
    int fieldCount;

    @Option(names = "--field-size-bytes", defaultValue = "100", description = "Bytes per field.")
    int fieldSizeBytes;

    @Option(names = "--distribution", description = "Override the workload's request"
            + " distribution: ${COMPLETION-CANDIDATES}.")
    RequestDistribution distribution;

    @Option(names = "--zipfian-constant", defaultValue = "0.99",
            description = "Skew of the zipfian distributions (default ${DEFAULT-VALUE}).")
    double zipfianConstant;

    @Option(names = "--read-all-fields", defaultValue = "true", arity = "1",
            description = "Reads use HGETALL (true) or HMGET of one field (false).")
    boolean readAllFields;

    @Option(names = "--write-all-fields", defaultValue = "false", arity = "1",
            description = "Updates write every field (true) or one field (false, YCSB default).")
    boolean writeAllFields;

    @Option(names = "--scan-length-max", defaultValue = "100",
            description = "Scans read uniform 1..this many records (default ${DEFAULT-VALUE}).")
    int scanLengthMax;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of all random choices.")
    long seed;

    @Option(names = "--output-dir", description = "Writes <name>.json and <name>.html per phase.")
    Path outputDirectory;

    @Option(names = "--run-name", description = "Prefix of the report files, followed by"
            + " -load or -<workload>-run (default: the target name).")
    String runName;

    @Option(names = "--quiet", description = "No progress lines (SUMMARY lines still print).")
    boolean quiet;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new YcsbMain());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = validate();
        if (problem != null) {
            System.err.println("ycsb: " + problem);
            return 2;
        }
        if (operationCount == 0 && durationSeconds == 0) durationSeconds = 30;
        WorkloadConfig config = workloadConfig();
        DriverConfig driverConfig = new DriverConfig(threadCount, targetRateOpsPerSecond,
                durationSeconds, operationCount, warmupSeconds, quiet);
        try (Target target = target()) {
            Driver driver = new Driver(target, config, driverConfig, reportedConfig(config),
                    System.err);
            long failedPhases = 0;
            if (phase != Phase.RUN) failedPhases += report(driver.load(), System.out);
            if (phase != Phase.LOAD) failedPhases += report(driver.run(), System.out);
            return failedPhases == 0 ? 0 : 1;
        } catch (IllegalStateException e) {
            System.err.println("ycsb: " + e.getMessage());
            return 1;
        }
    }

    /** The first invalid option as "option value: range and unit", or null. */
    String validate() {
        if (operationCount > 0 && durationSeconds > 0) {
            return "--operations and --duration-seconds exclude each other; give one";
        }
        if (port < 1 || port > 65_535) return range("--port", port, "1", "65535", "");
        if (threadCount < 1 || threadCount > BenchLimits.THREADS_COUNT_MAX) {
            return range("--threads", threadCount, "1", "" + BenchLimits.THREADS_COUNT_MAX, "");
        }
        if (recordCount < 1 || recordCount > BenchLimits.RECORDS_COUNT_MAX) {
            return range("--records", recordCount, "1", "" + BenchLimits.RECORDS_COUNT_MAX, "");
        }
        if (operationCount < 0) return range("--operations", operationCount, "0", "2^63", "");
        if (durationSeconds < 0 || durationSeconds > BenchLimits.DURATION_SECONDS_MAX) {
            return range("--duration-seconds", durationSeconds, "0",
                    "" + BenchLimits.DURATION_SECONDS_MAX, " seconds");
        }
        if (warmupSeconds < 0 || warmupSeconds > BenchLimits.WARMUP_SECONDS_MAX) {
            return range("--warmup-seconds", warmupSeconds, "0",
                    "" + BenchLimits.WARMUP_SECONDS_MAX, " seconds");
        }
        if (targetRateOpsPerSecond < 0
                || targetRateOpsPerSecond > BenchLimits.TARGET_RATE_OPS_PER_SECOND_MAX) {
            return range("--target-rate", targetRateOpsPerSecond, "0",
                    "" + BenchLimits.TARGET_RATE_OPS_PER_SECOND_MAX, " ops/s");
        }
        if (fieldCount < 1 || fieldCount > BenchLimits.FIELDS_COUNT_MAX) {
            return range("--field-count", fieldCount, "1", "" + BenchLimits.FIELDS_COUNT_MAX, "");
        }
        if (fieldSizeBytes < 1 || fieldSizeBytes > BenchLimits.FIELD_SIZE_BYTES_MAX) {
            return range("--field-size-bytes", fieldSizeBytes, "1",
                    "" + BenchLimits.FIELD_SIZE_BYTES_MAX, " bytes");
        }
        if (scanLengthMax < 1 || scanLengthMax > BenchLimits.SCAN_LENGTH_MAX) {
            return range("--scan-length-max", scanLengthMax, "1",
                    "" + BenchLimits.SCAN_LENGTH_MAX, " records");
        }
        if (!(zipfianConstant > 0 && zipfianConstant < 1)) {
            return "--zipfian-constant " + zipfianConstant + ": must lie in (0, 1)";
        }
        return null;
    }

    private static String range(String option, long value, String low, String high,
                                String unit) {
        return option + " " + value + unit + ": must lie in [" + low + ", " + high + "]" + unit;
    }

    WorkloadConfig workloadConfig() {
        double insertProportion = workload.insertProportion;
        // YCSB sizes the zipfian key space for the inserts it expects: operations x insert
        // proportion x 2. A duration-bounded run does not know its count; assume it may
        // double the loaded records (draws beyond the inserted ones are redrawn).
        long expectedNewKeyCount = insertProportion == 0 ? 0
                : operationCount > 0 ? (long) (operationCount * insertProportion * 2)
                : recordCount;
        return new WorkloadConfig(workload,
                distribution != null ? distribution : workload.distribution, recordCount,
                RecordShape.of(fieldCount, fieldSizeBytes), zipfianConstant, readAllFields,
                writeAllFields, scanLengthMax, expectedNewKeyCount, seed);
    }

    private Target target() {
        return switch (targetKind) {
            case JEDIS -> new JedisTarget(targetName, host, port);
            case SYNOD -> new KvClientTarget(targetName, host, port, threadCount);
        };
    }

    private Map<String, String> reportedConfig(WorkloadConfig config) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("target", targetKind.name().toLowerCase(Locale.ROOT));
        map.put("targetName", targetName);
        map.put("address", host + ":" + port);
        map.put("workload", workload.label() + " (" + workload.description + ")");
        map.put("distribution", config.distribution().name().toLowerCase(Locale.ROOT));
        map.put("zipfianConstant", Double.toString(zipfianConstant));
        map.put("records", Long.toString(recordCount));
        map.put("fieldCount", Integer.toString(fieldCount));
        map.put("fieldSizeBytes", Integer.toString(fieldSizeBytes));
        map.put("readAllFields", Boolean.toString(readAllFields));
        map.put("writeAllFields", Boolean.toString(writeAllFields));
        map.put("scanLengthMax", Integer.toString(scanLengthMax));
        map.put("threads", Integer.toString(threadCount));
        map.put("loop", targetRateOpsPerSecond > 0
                ? "open at " + targetRateOpsPerSecond + " ops/s" : "closed");
        map.put("durationSeconds", Integer.toString(durationSeconds));
        map.put("operations", Long.toString(operationCount));
        map.put("warmupSeconds", Integer.toString(warmupSeconds));
        map.put("seed", Long.toString(seed));
        map.put("javaVersion", System.getProperty("java.version"));
        map.put("availableProcessors",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        return map;
    }

    /** Prints the SUMMARY line, writes the files; returns 1 if nothing succeeded, else 0. */
    private int report(RunResult result, PrintStream out) throws IOException {
        out.println(result.summaryLine());
        out.flush();
        if (outputDirectory != null) {
            Files.createDirectories(outputDirectory);
            // The load phase is the same for every workload: <name>-load, <name>-<workload>-run.
            String base = (runName != null ? runName : targetName)
                    + (result.phase().equals("load") ? ""
                            : "-" + workload.label().toLowerCase(Locale.ROOT))
                    + "-" + result.phase();
            Files.writeString(outputDirectory.resolve(base + ".json"), JsonReport.render(result),
                    StandardCharsets.UTF_8);
            Files.writeString(outputDirectory.resolve(base + ".html"), HtmlReport.render(result),
                    StandardCharsets.UTF_8);
        }
        return result.totalHistogram().getTotalCount() == 0 ? 1 : 0;
    }

    static final class WorkloadConverter implements CommandLine.ITypeConverter<Workload> {
        @Override
        public Workload convert(String value) {
            return Workload.parse(value);
        }
    }
}
