package kv.server.lease;

/** The answer to "may this replica serve a strong read from its local state now?". */
public enum ReadCheck {
    /** Serve locally: a quorum lease is valid and the local state is current. */
    LOCAL_OK,
    /** The lease is valid but a grantor reported slots not applied here yet: retry soon. */
    WAIT_APPLY,
    /** An accepted write is not applied yet (conservatively, for all keys): retry soon. */
    WAIT_WRITE,
    /** No valid quorum lease (or leases off, or not a holder): read through the leader. */
    FORWARD
}
