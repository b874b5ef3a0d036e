package kv.bench.load;

/**
 * A database under test. {@link JedisTarget} reaches any Redis-protocol server (Synod's
 * single node, redis-server). The Synod target through the cluster-aware kv-client (leader
 * discovery, retries on -TRYAGAIN) comes with kv-client (issue 7): one class implementing
 * this interface and one case in {@link YcsbMain}'s target option.
 */
interface Target extends AutoCloseable {
    /** Label in progress lines, reports and tables ("synod", "redis"). */
    String name();

    /** A connection for one worker thread; called once per worker, before the run starts. */
    TargetConnection connect();

    @Override
    void close();
}
