package kv.server.consensus;

/**
 * Deliberately broken protocol variants, so tests can prove the simulator's checkers bite.
 * Production is always {@link #NONE}; only tests set anything else.
 */
public enum BrokenVariant {
    NONE,
    /** The acceptor answers Prepare with a Promise but leaves the promise out of durable state. */
    PROMISE_NOT_PERSISTED,
    /** The acceptor accepts an Accept whose ballot is below its promise. */
    ACCEPT_LOWER_BALLOT,
    /** A new leader fills every slot after Phase 1 with a no-op instead of re-proposing. */
    SKIP_REPROPOSE,
    /** A grantor's acceptances count without waiting for its lease holders. */
    LEASE_WRITE_NO_WAIT,
    /** A holder serves local reads before applying what its grantors reported. */
    LEASE_READ_UNAPPLIED,
    /** Holders and grantors count leases without the clock drift bound. */
    LEASE_IGNORE_DRIFT,
    /**
     * A holder reads a key it accepted a write to and has not applied yet (the per-key rule of
     * the node's read path, kv.server.node.PendingWriteKeys; the simulator's driver honours it).
     */
    LEASE_READ_PENDING_KEY,
    /**
     * A grantor stops waiting for a holder as soon as the holder is dropped from the holder set
     * (through the log), though the grant it gave that holder may still be valid.
     */
    LEASE_DROPPED_HOLDER_NO_WAIT,
    /** The leader answers read-index requests without confirming that it still leads. */
    READ_INDEX_NO_CONFIRM
}
