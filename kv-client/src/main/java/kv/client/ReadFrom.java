package kv.client;

/**
 * Where reads go. Every choice is linearizable for strong keyspaces: the server never serves a
 * stale strong read (a follower without a valid quorum lease confirms through the leader).
 */
public enum ReadFrom {
    /**
     * {@link #LEADER} in a strong keyspace, {@link #ANY} in an eventual one. Strong reads still
     * travel through the consensus log, so a follower forwards them to the leader: the leader
     * answers with one hop less and, on one pipelined connection, in larger batches
     * (kv-bench/RESULTS.md, "kv-client vs Lettuce vs Jedis": 1.3-1.5x the GET throughput of
     * ANY). Eventual reads at level ONE are local on every member, so they are spread.
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
