package kv.server.node;

/**
 * Quorum-lease state of this node for INFO and metrics, published once per tick.
 *
 * @param enabled leases are configured (cluster.leases.enabled)
 * @param era the era of the holder set in force here (1: the configured set; later ones are
 *     agreed through the log)
 * @param holders the node ids of that holder set
 * @param validMillis how long this node's quorum lease still lasts; 0: none (reads go to the leader)
 * @param grantsHeld peers whose promise to this node is live
 * @param grantsGiven peers holding a live grant from this node
 * @param readsLocal strong reads served at once from this node's state
 * @param readsAfterWait strong reads served locally after waiting for this node to catch up
 * @param readsByReadIndex strong reads without a lease, served here after the leader
 *     confirmed a read index (ReadIndex) and this node applied that far
 * @param readsThroughLeader strong reads sent through the log at the leader
 * @param writesDelayed leader: log slots (write batches) chosen at least a tick after a majority
 *     held them, because a lease holder did not hold them yet
 * @param writesDelayMillisTotal the time those slots waited, summed (tick precision)
 */
public record LeaseStatus(boolean enabled, long era, java.util.List<Integer> holders,
                          long validMillis, int grantsHeld, int grantsGiven,
                          long readsLocal, long readsAfterWait, long readsByReadIndex,
                          long readsThroughLeader,
                          long writesDelayed, long writesDelayMillisTotal) {
    public static final LeaseStatus NONE = new LeaseStatus(false, 0, java.util.List.of(), 0, 0, 0, 0, 0,
            0, 0, 0, 0);
}
