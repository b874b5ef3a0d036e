package kv.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency and error accounting for one phase. Workers record into a {@link Recorder} per
 * operation type (wait-free for writers); the driver thread drains the recorders once a
 * second into interval histograms, adds them to the run totals once warm-up is over, and
 * keeps a per-second series. Errors are counted apart from latencies: a failed request never
 * enters a latency histogram and never counts as throughput.
 */
final class Measurements {
    private static final OperationType[] TYPES = OperationType.values();
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double SERIES_INTERVAL_SECONDS_MIN = 0.5;

    /** One point of the throughput series: one reporting interval (about one second). */
    record SeriesPoint(double elapsedSeconds, double operationsPerSecond, long errorCount,
                       double p50Millis, double p99Millis) {}

    private final Recorder[] recorders = new Recorder[TYPES.length];
    private final LongAdder[] errorAdders = new LongAdder[TYPES.length];
    private final Map<String, Long> errorSamples = new LinkedHashMap<>();

    // Driver-thread state: totals since warm-up ended.
    private final Histogram[] intervals = new Histogram[TYPES.length];
    private final Histogram[] totals = new Histogram[TYPES.length];
    private final long[] errorCounts = new long[TYPES.length];
    private final Histogram intervalAll = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram totalAll = new Histogram(SIGNIFICANT_DIGITS);
    private final List<SeriesPoint> series = new ArrayList<>();

    Measurements() {
        for (int i = 0; i < TYPES.length; i++) {
            recorders[i] = new Recorder(SIGNIFICANT_DIGITS);
            errorAdders[i] = new LongAdder();
            totals[i] = new Histogram(SIGNIFICANT_DIGITS);
        }
    }

    /** Called by workers: one successful operation, latency in nanoseconds. */
    void recordLatency(OperationType type, long latencyNanos) {
        long micros = Math.max(1, Math.min(latencyNanos / 1000, BenchLimits.LATENCY_MICROS_MAX));
        recorders[type.ordinal()].recordValue(micros);
    }

    /** Called by workers: one failed operation; the message is kept if it is new. */
    void recordError(OperationType type, String message) {
        errorAdders[type.ordinal()].increment();
        synchronized (errorSamples) {
            String sample = type + ": " + message;
            Long seen = errorSamples.get(sample);
            if (seen != null) errorSamples.put(sample, seen + 1);
            else if (errorSamples.size() < BenchLimits.ERROR_SAMPLES_COUNT_MAX) {
                errorSamples.put(sample, 1L);
            }
        }
    }

    /**
     * Driver thread: drains what workers recorded since the last call. When measuring, the
     * interval joins the totals and the series; during warm-up it is dropped.
     *
     * @return successful operations in the interval
     */
    long drain(boolean measuring, double elapsedSeconds, double intervalSeconds) {
        intervalAll.reset();
        long errorCount = 0;
        for (int i = 0; i < TYPES.length; i++) {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            intervalAll.add(intervals[i]);
            long errors = errorAdders[i].sumThenReset();
            errorCount += errors;
            if (measuring) {
                totals[i].add(intervals[i]);
                errorCounts[i] += errors;
            }
        }
        long count = intervalAll.getTotalCount();
        if (!measuring) clearErrorSamples(); // warm-up's samples would mislead the report
        if (measuring) {
            totalAll.add(intervalAll);
            // A final sliver (workers stopping) would plot as a misleading dip; its operations
            // are in the totals all the same.
            if (intervalSeconds >= SERIES_INTERVAL_SECONDS_MIN
                    && series.size() < BenchLimits.DURATION_SECONDS_MAX + 1) {
                series.add(new SeriesPoint(elapsedSeconds,
                        intervalSeconds > 0 ? count / intervalSeconds : 0, errorCount,
                        millis(intervalAll, 50), millis(intervalAll, 99)));
            }
        }
        return count;
    }

    private void clearErrorSamples() {
        synchronized (errorSamples) {
            errorSamples.clear();
        }
    }

    static double millis(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) return 0;
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double intervalP99Millis() {
        return millis(intervalAll, 99);
    }

    Histogram totalAll() {
        return totalAll;
    }

    Histogram total(OperationType type) {
        return totals[type.ordinal()];
    }

    long errorCount(OperationType type) {
        return errorCounts[type.ordinal()];
    }

    long errorCountAll() {
        long sum = 0;
        for (long count : errorCounts) sum += count;
        return sum;
    }

    List<SeriesPoint> series() {
        return series;
    }

    Map<String, Long> errorSamples() {
        synchronized (errorSamples) {
            return new LinkedHashMap<>(errorSamples);
        }
    }
}
