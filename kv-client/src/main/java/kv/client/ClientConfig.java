package kv.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The validated settings of a {@link KvClient}; built by {@link KvClient.Builder}.
 *
 * @param requestTimeout the deadline of every call, retries included. Above the server's
 *     request timeout (5 s by default) so a write that timed out on the server can still be
 *     retried once the cluster recovers
 * @param exactlyOnce writes in strong keyspaces run through SESSION and are retried after an
 *     unknown outcome; off, they go out plain and an unknown outcome is reported, not retried
 * @param replyTimeout a connection whose oldest request waits this long is closed and its
 *     requests retried elsewhere: the server answers every request within its own request
 *     timeout, so silence means a hung node or a broken path
 */
record ClientConfig(List<InetSocketAddress> seeds, Duration connectTimeout, Duration requestTimeout,
                    Duration replyTimeout, int connectionsPerNode, int inFlightCountMax,
                    long inFlightBytesMax, WhenFull whenFull, RetryPolicy retryPolicy,
                    int keyspaceIndex, Duration refreshInterval, int ioThreadsCount,
                    ReadFrom readFrom, boolean exactlyOnce, ClientMetrics metrics) {
    ClientConfig {
        seeds = List.copyOf(seeds);
        checkRange("seeds", seeds.size(), 1, ClientLimits.NODES_COUNT_MAX, "addresses");
        checkRange("connect.timeout", connectTimeout.toMillis(), 10, 600_000, "ms");
        checkRange("request.timeout", requestTimeout.toMillis(), 1, 3_600_000, "ms");
        checkRange("reply.timeout", replyTimeout.toMillis(), 10, 3_600_000, "ms");
        checkRange("connections.per.node", connectionsPerNode, 1,
                ClientLimits.CONNECTIONS_PER_NODE_COUNT_MAX, "connections");
        checkRange("in.flight.count.max", inFlightCountMax, 1,
                ClientLimits.IN_FLIGHT_PER_CONNECTION_COUNT_MAX, "requests");
        checkRange("in.flight.bytes.max", inFlightBytesMax, ClientLimits.REQUEST_SIZE_BYTES_MAX,
                ClientLimits.IN_FLIGHT_PER_CONNECTION_BYTES_MAX, "bytes");
        checkRange("keyspace", keyspaceIndex, 0, 255, "index");
        checkRange("refresh.interval", refreshInterval.toMillis(),
                ClientLimits.REFRESH_INTERVAL_MIN_MILLIS, 3_600_000, "ms");
        checkRange("io.threads", ioThreadsCount, 1, 64, "threads");
        if (whenFull == null || retryPolicy == null || readFrom == null || metrics == null) {
            throw new IllegalArgumentException("when.full, retry.policy, read.from and metrics must be"
                    + " set (ClientMetrics.NONE records nothing)");
        }
    }

    static void checkRange(String key, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " = " + value + " " + unit + " is outside "
                    + min + ".." + max + " " + unit);
        }
    }
}
