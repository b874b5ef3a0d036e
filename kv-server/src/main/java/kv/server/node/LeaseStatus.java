package kv.server.node;

/**
 * Quorum-lease state of this node for INFO and metrics, published once per tick.
 *
 * @param enabled leases are configured (cluster.leases.enabled)
 * @param validMillis how long this node's quorum lease still lasts; 0: none (reads go to the leader)
 * @param grantsHeld peers whose promise to this node is live
 * @param grantsGiven peers holding a live grant from this node
 * @param readsLocal strong reads served at once from this node's state
 * @param readsAfterWait strong reads served locally after waiting for this node to catch up
 * @param readsThroughLeader strong reads sent through the log at the leader
 * @param writesDelayed acceptances this node held back until its lease holders knew of them
 * @param writesDelayMillisTotal the time those acceptances waited, summed
 */
public record LeaseStatus(boolean enabled, long validMillis, int grantsHeld, int grantsGiven,
                          long readsLocal, long readsAfterWait, long readsThroughLeader,
                          long writesDelayed, long writesDelayMillisTotal) {
    public static final LeaseStatus NONE = new LeaseStatus(false, 0, 0, 0, 0, 0, 0, 0, 0);
}
