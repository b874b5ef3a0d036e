package kv.bench.load;

/**
 * How a phase is driven and measured.
 *
 * @param targetRateOpsPerSecond 0 for a closed loop (each thread issues its next request when
 *     the last one returns); otherwise an open loop: requests are scheduled at this total
 *     rate, spread evenly over the threads, and latency runs from each request's scheduled
 *     start, so a stall delays (and is charged to) every request queued behind it
 * @param durationSeconds measured time of the run phase; 0 when operationCount bounds it
 * @param operationCount measured operations of the run phase; 0 when durationSeconds does
 */
record DriverConfig(int threadCount, long targetRateOpsPerSecond, int durationSeconds,
                    long operationCount, int warmupSeconds, boolean quiet) {

    DriverConfig {
        BenchLimits.check(threadCount >= 1 && threadCount <= BenchLimits.THREADS_COUNT_MAX,
                "thread count within limits");
        BenchLimits.check((durationSeconds > 0) != (operationCount > 0),
                "exactly one of duration and operation count bounds the run");
        BenchLimits.check(durationSeconds <= BenchLimits.DURATION_SECONDS_MAX,
                "duration within limits");
        BenchLimits.check(warmupSeconds >= 0 && warmupSeconds <= BenchLimits.WARMUP_SECONDS_MAX,
                "warm-up within limits");
        BenchLimits.check(targetRateOpsPerSecond >= 0
                && targetRateOpsPerSecond <= BenchLimits.TARGET_RATE_OPS_PER_SECOND_MAX,
                "target rate within limits");
    }

    boolean openLoop() {
        return targetRateOpsPerSecond > 0;
    }
}
