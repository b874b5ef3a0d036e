package kv.server.log;

/** What the log reports per batch; the metrics package binds it to Micrometer. */
public interface LogMetrics {
    void onBatch(int commandsCount, int sizeBytes, long appendNanos, long applyNanos);

    void onRejectedBusy();

    LogMetrics NONE = new LogMetrics() {
        @Override
        public void onBatch(int commandsCount, int sizeBytes, long appendNanos, long applyNanos) {}

        @Override
        public void onRejectedBusy() {}
    };
}
