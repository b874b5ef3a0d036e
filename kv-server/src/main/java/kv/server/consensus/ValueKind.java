package kv.server.consensus;

/** What a slot holds. */
public enum ValueKind {
    /** Fills a hole found by a new leader; applies nothing. */
    NOOP,
    /** A batch of opaque client commands, applied in order. */
    COMMANDS,
    /** Membership as replicated state; the reconfiguration work will propose new ones. */
    CONFIG,
    /**
     * The quorum-lease holder set as replicated state: the leader drops a holder it has not
     * heard from for a while and takes it back once it caught up (QuorumLease).
     */
    LEASE_HOLDERS
}
