package kv.bench.load;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs the load phase (insert every record once) and the run phase (the workload's mix) of
 * one target with N worker threads, and reports a line of progress every second.
 *
 * <p>Bounds: a phase ends at its deadline (warm-up plus duration, or at most
 * DURATION_SECONDS_MAX for count-bounded phases); workers stuck in a request past it get
 * STOP_GRACE_SECONDS, then the driver reports without them.
 */
final class Driver {
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Target target;
    private final WorkloadConfig config;
    private final DriverConfig driverConfig;
    private final KeySpace keySpace;
    private final Map<String, String> reportedConfig;
    private final PrintStream progress;

    Driver(Target target, WorkloadConfig config, DriverConfig driverConfig,
           Map<String, String> reportedConfig, PrintStream progress) {
        this.target = target;
        this.config = config;
        this.driverConfig = driverConfig;
        this.keySpace = new KeySpace(config.recordCount());
        this.reportedConfig = reportedConfig;
        this.progress = progress;
    }

    RunResult load() throws InterruptedException {
        return runPhase(true);
    }

    RunResult run() throws InterruptedException {
        return runPhase(false);
    }

    private RunResult runPhase(boolean load) throws InterruptedException {
        int threadCount = driverConfig.threadCount();
        int warmupSeconds = load ? 0 : driverConfig.warmupSeconds();
        int boundSeconds = !load && driverConfig.durationSeconds() > 0
                ? driverConfig.durationSeconds() : BenchLimits.DURATION_SECONDS_MAX;
        long operationCount = load ? 0 : driverConfig.operationCount();
        Measurements measurements = new Measurements();
        List<TargetConnection> connections = connect(threadCount);
        Instant startedAt = Instant.now();
        long startNanos = System.nanoTime();
        Worker.Control control = new Worker.Control(load, startNanos,
                startNanos + (warmupSeconds + (long) boundSeconds) * SECOND_NANOS,
                operationCount, threadCount);
        control.measuring = warmupSeconds == 0;
        startWorkers(control, connections, measurements, load);
        long measureStartNanos = startNanos;
        long lastTickNanos = startNanos;
        long nextTickNanos = startNanos + SECOND_NANOS;
        String label = target.name() + " " + (load ? "load" : config.workload().label());
        while (!control.finished.await(Math.max(0, nextTickNanos - System.nanoTime()),
                TimeUnit.NANOSECONDS)) {
            long nowNanos = System.nanoTime();
            boolean wasMeasuring = control.measuring;
            long count = measurements.drain(wasMeasuring,
                    (nowNanos - measureStartNanos) / 1e9, (nowNanos - lastTickNanos) / 1e9);
            if (!wasMeasuring && nowNanos - startNanos >= warmupSeconds * SECOND_NANOS) {
                measureStartNanos = nowNanos;
                control.measuring = true;
            }
            printProgress(label, control, measurements, count, nowNanos, lastTickNanos,
                    wasMeasuring, boundSeconds, warmupSeconds);
            lastTickNanos = nowNanos;
            nextTickNanos += SECOND_NANOS;
            if (nowNanos > control.deadlineNanos) break; // workers should be done; see below
        }
        control.stopped = true;
        boolean finished = control.finished.await(BenchLimits.STOP_GRACE_SECONDS,
                TimeUnit.SECONDS);
        long endNanos = System.nanoTime();
        measurements.drain(control.measuring, (endNanos - measureStartNanos) / 1e9,
                (endNanos - lastTickNanos) / 1e9);
        if (!finished) progress.println(label + ": workers still in a request after "
                + BenchLimits.STOP_GRACE_SECONDS + " s; reporting without them");
        for (TargetConnection connection : connections) closeQuietly(connection);
        return result(load, startedAt, (endNanos - measureStartNanos) / 1e9, measurements);
    }

    private List<TargetConnection> connect(int threadCount) {
        List<TargetConnection> connections = new ArrayList<>(threadCount);
        try {
            for (int i = 0; i < threadCount; i++) connections.add(target.connect());
        } catch (RuntimeException e) {
            for (TargetConnection connection : connections) closeQuietly(connection);
            throw e;
        }
        return connections;
    }

    private void startWorkers(Worker.Control control, List<TargetConnection> connections,
                              Measurements measurements, boolean load) {
        for (int i = 0; i < connections.size(); i++) {
            ThreadWorkload workload = new ThreadWorkload(config, keySpace, i);
            Worker worker = new Worker(control, connections.get(i), workload, keySpace,
                    measurements, config, driverConfig, i);
            Thread thread = new Thread(worker, "ycsb-" + (load ? "load-" : "run-") + i);
            thread.setDaemon(true); // a worker hung past the grace period must not keep the JVM
            thread.start();
        }
    }

    private void printProgress(String label, Worker.Control control, Measurements measurements,
                               long count, long nowNanos, long lastTickNanos,
                               boolean measuring, int boundSeconds, int warmupSeconds) {
        if (driverConfig.quiet()) return;
        double elapsedSeconds = (nowNanos - control.startNanos) / 1e9;
        double opsPerSecond = count / Math.max(1e-9, (nowNanos - lastTickNanos) / 1e9);
        double p99Millis = measuring ? Measurements.millis(measurements.totalAll(), 99)
                : measurements.intervalP99Millis();
        String remaining;
        if (control.load) {
            long left = Math.max(0, keySpace.recordCount - keySpace.loadSequence.lastValue() - 1);
            remaining = left + " records";
        } else if (driverConfig.operationCount() > 0) {
            long left = Math.max(0, control.remainingOperations.get());
            remaining = (measuring ? left : driverConfig.operationCount()) + " ops";
        } else {
            double left = warmupSeconds + boundSeconds - elapsedSeconds;
            remaining = String.format(Locale.ROOT, "%.0fs", Math.max(0, left));
        }
        progress.println(String.format(Locale.ROOT,
                "[%s] %5.0fs  %9.0f ops/s  p99 %8.3f ms%s  errors %d  remaining %s",
                label, elapsedSeconds, opsPerSecond, p99Millis, measuring ? "" : " (warm-up)",
                measurements.errorCountAll(), remaining));
    }

    private RunResult result(boolean load, Instant startedAt, double measuredSeconds,
                             Measurements measurements) {
        EnumMap<OperationType, Histogram> histograms = new EnumMap<>(OperationType.class);
        EnumMap<OperationType, Long> errors = new EnumMap<>(OperationType.class);
        for (OperationType type : OperationType.values()) {
            boolean part = load ? type == OperationType.INSERT
                    : config.workload().proportion(type) > 0;
            Histogram histogram = measurements.total(type);
            if (!part && histogram.getTotalCount() == 0 && measurements.errorCount(type) == 0) {
                continue;
            }
            histograms.put(type, histogram);
            errors.put(type, measurements.errorCount(type));
        }
        return new RunResult(target.name(), load ? "load" : "run",
                load ? "load" : config.workload().label(), reportedConfig, startedAt,
                measuredSeconds, histograms, errors, measurements.totalAll(),
                measurements.errorCountAll(), measurements.errorSamples(),
                List.copyOf(measurements.series()));
    }

    private static void closeQuietly(TargetConnection connection) {
        try {
            connection.close();
        } catch (RuntimeException e) {
            // Closing after the run: the results are complete, a failed close changes nothing.
        }
    }
}
