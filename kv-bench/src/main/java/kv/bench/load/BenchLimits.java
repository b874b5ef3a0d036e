package kv.bench.load;

/**
 * Every bound of the YCSB driver in one place (STYLE section 4). A run outside these fails at
 * startup with the option, the value, the range and the unit, never half way through.
 */
final class BenchLimits {
    /** Worker threads, each with one connection; 64 is the comparison suite's setting. */
    static final int THREADS_COUNT_MAX = 1024;
    /** Records in the load phase; the non-scrambled zipfian sums over this many terms once. */
    static final long RECORDS_COUNT_MAX = 100_000_000L;
    /** Fields per record; YCSB uses 10. */
    static final int FIELDS_COUNT_MAX = 1024;
    /** Bytes per field value; YCSB uses 100. */
    static final int FIELD_SIZE_BYTES_MAX = 1 << 20;
    /** Longest scan; YCSB uses 100, and Synod caps a reply at 100,000 elements. */
    static final int SCAN_LENGTH_MAX = 10_000;
    /** Longest measured run; the per-second series holds one entry per second. */
    static final int DURATION_SECONDS_MAX = 24 * 3600;
    static final int WARMUP_SECONDS_MAX = 3600;
    /** Open-loop rate across all threads. */
    static final long TARGET_RATE_OPS_PER_SECOND_MAX = 10_000_000L;
    /** Inserts issued but not yet acknowledged before "latest" can advance (YCSB: 2^20). */
    static final int ACKNOWLEDGE_WINDOW_COUNT = 1 << 20;
    /** Draws a key chooser may reject (key not inserted yet) before falling back to uniform. */
    static final int KEY_CHOOSE_ATTEMPTS_MAX = 1000;
    /** Distinct error messages kept as samples for the report; the rest are only counted. */
    static final int ERROR_SAMPLES_COUNT_MAX = 16;
    /** Time after the deadline the driver waits for workers stuck in a request. */
    static final int STOP_GRACE_SECONDS = 30;
    /** Per-request socket timeout; bounds how long a worker can hang on a dead server. */
    static final int SOCKET_TIMEOUT_MILLIS = 10_000;
    /** Largest latency the histograms keep exactly enough (3 significant digits). */
    static final long LATENCY_MICROS_MAX = 3_600_000_000L;

    private BenchLimits() {}

    static {
        check(SCAN_LENGTH_MAX <= 100_000, "a scan fits one Synod reply (100,000 elements)");
        check(ACKNOWLEDGE_WINDOW_COUNT > THREADS_COUNT_MAX,
                "every thread can have an insert in flight inside the acknowledge window");
        check(LATENCY_MICROS_MAX >= (long) (DURATION_SECONDS_MAX + WARMUP_SECONDS_MAX) * 1000,
                "the histogram covers a request as slow as the run is long, in milliseconds");
        check((long) FIELDS_COUNT_MAX * FIELD_SIZE_BYTES_MAX <= 1L << 30,
                "a record stays below 1 GiB");
    }

    static void check(boolean condition, String invariant) {
        if (!condition) throw new IllegalStateException("BenchLimits invariant: " + invariant);
    }
}
