package kv.server.eventual;

/**
 * Deliberate bugs the simulator must catch, to show that its checkers bite. NONE in production.
 */
public enum EventualBrokenVariant {
    NONE,
    /** Merge keeps the older version: replicas diverge or lose acknowledged writes. */
    MERGE_KEEPS_OLDER,
    /** QUORUM and ALL writes are acknowledged after the local write only. */
    ACK_WITHOUT_REPLICAS
}
