package kv.server.log;

/** What the log reports per batch; the metrics package binds it to Micrometer. */
public interface LogMetrics {
    void onBatch(int commandsCount, int sizeBytes, long appendNanos, long applyNanos);

    void onRejectedBusy();

    /** A command this node proposed was chosen and applied, {@code latencyNanos} after it came in. */
    default void onCommitted(long latencyNanos) {}

    LogMetrics NONE = new LogMetrics() {
        @Override
        public void onBatch(int commandsCount, int sizeBytes, long appendNanos, long applyNanos) {}

        @Override
        public void onRejectedBusy() {}
    };
}
