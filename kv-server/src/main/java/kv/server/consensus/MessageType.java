package kv.server.consensus;

/** One constant per {@link Message} record, for exhaustive switches without {@code default}. */
public enum MessageType {
    PREPARE, PROMISE, ACCEPT, ACCEPTED, REFUSE, HEARTBEAT, HEARTBEAT_REPLY, LEARN, SNAPSHOT_CHUNK,
    LEASE_GUARD, LEASE_PROMISE, LEASE_ACK
}
