package kv.client;

/**
 * Where reads go. Every choice is linearizable for strong keyspaces: the server never serves a
 * stale strong read (a follower without a valid quorum lease confirms through the leader).
 */
public enum ReadFrom {
    /**
     * {@link #ANY}: every member serves strong reads from its own state while it holds a
     * quorum lease (on by default, cluster.leases) and eventual reads at level ONE locally, so
     * reads are spread. Against a cluster with leases off, {@link #LEADER} saves followers the
     * hop of forwarding every read to the leader.
     * (The GET figures in kv-bench/RESULTS.md, "kv-client vs Lettuce vs Jedis", were taken
     * before leases, when LEADER was 1.3-1.5x ANY; not re-measured with leases yet.)
     */
    AUTO,
    /** The leader when it is known and reachable, else any member. */
    LEADER,
    /**
     * Round-robin over every reachable member: spreads the work of reads that members serve
     * locally (eventual keyspaces; strong keyspaces at quorum-lease holders).
     */
    ANY
}
