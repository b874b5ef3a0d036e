package kv.server.consensus;

/** What a slot holds. */
public enum ValueKind {
    /** Fills a hole found by a new leader; applies nothing. */
    NOOP,
    /** A batch of opaque client commands, applied in order. */
    COMMANDS,
    /** Membership as replicated state; the reconfiguration work will propose new ones. */
    CONFIG
}
