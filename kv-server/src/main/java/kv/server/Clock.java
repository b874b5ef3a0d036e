package kv.server;

/**
 * The only source of time. Pure packages (consensus, lease, eventual, command, statemachine) get
 * it injected, so the simulator can drive time and drift.
 */
public interface Clock {
    /** Monotonic nanoseconds for timeouts and leases; never jumps with the wall clock. */
    long monotonicNanos();

    /** Wall-clock milliseconds since the epoch; for hybrid logical clocks only. */
    long wallMillis();

    Clock SYSTEM = new Clock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }
    };
}
