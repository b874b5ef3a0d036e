package kv.server.resp;

import kv.server.command.CommandType;

/** What the RESP front end reports; the metrics package binds it to Micrometer. */
public interface RespMetrics {
    void onCommand(CommandType type, long latencyNanos, boolean error);

    void onConnectionOpened();

    void onConnectionClosed();

    void onBytesIn(long bytes);

    void onBytesOut(long bytes);

    /** A request refused by a limit; {@code limit} is the constant's name in lower case. */
    void onRejected(String limit);

    RespMetrics NONE = new RespMetrics() {
        @Override
        public void onCommand(CommandType type, long latencyNanos, boolean error) {}

        @Override
        public void onConnectionOpened() {}

        @Override
        public void onConnectionClosed() {}

        @Override
        public void onBytesIn(long bytes) {}

        @Override
        public void onBytesOut(long bytes) {}

        @Override
        public void onRejected(String limit) {}
    };
}
