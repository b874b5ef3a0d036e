package kv.server.node;

/**
 * What the node loop last published about consensus, for INFO replication, metrics and health.
 * Immutable; the loop replaces it each turn that something changed.
 */
public record ClusterStatus(String role, int leaderNodeId, String ballot, long chosenBelow,
                            long appliedBelow, int membersCount,
                            /** On the leader: "id:lag" per peer, the slots each is behind; else "". */
                            String peerLag,
                            long leaderChangesCount, long campaignsCount,
                            /** Slots proposed but not yet chosen (the pipeline in use). */
                            long slotsInFlight,
                            long snapshotsSentCount, long snapshotsInstalledCount,
                            LeaseStatus lease) {}
