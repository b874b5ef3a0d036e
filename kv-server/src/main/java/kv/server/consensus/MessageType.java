package kv.server.consensus;

/** One constant per {@link Message} record, for exhaustive switches without {@code default}. */
public enum MessageType {
    PREPARE, PROMISE, ACCEPT, ACCEPTED, REFUSE, HEARTBEAT, HEARTBEAT_REPLY, LEARN, SNAPSHOT_CHUNK,
    LEASE_GUARD, LEASE_PROMISE, LEASE_ACK, HELD,
    READ_INDEX_REQUEST, READ_INDEX_REPLY, READ_ROUND, READ_ROUND_REPLY;

    /**
     * A message of this type may leave before the fsync of the turn that made it: a leader's
     * outbound replication, and lease messages (lease state lives in memory on purpose: a
     * restarted node starts without grants and waits for one lease, QuorumLease; a Held vouches
     * only for memory, see Message.Held). Nothing an acceptor vouches for with its disk.
     */
    public boolean mayLeaveBeforeFsync() {
        return switch (this) {
            case ACCEPT, HEARTBEAT, LEARN, SNAPSHOT_CHUNK, LEASE_GUARD, LEASE_PROMISE, LEASE_ACK,
                 HELD, READ_INDEX_REQUEST, READ_INDEX_REPLY, READ_ROUND -> true;
            // A read round reply vouches that we follow the ballot: only once that is durable.
            case PREPARE, PROMISE, ACCEPTED, REFUSE, HEARTBEAT_REPLY, READ_ROUND_REPLY -> false;
        };
    }
}
