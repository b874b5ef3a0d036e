package kv.server.consensus;

import java.util.List;

/**
 * Peer messages. {@code from} and {@code to} are node indexes; ballots are primitive longs
 * (see {@link Ballots}); slots are 0-based. Paxos vocabulary: prepare/promise (Phase 1),
 * accept/accepted (Phase 2), chosen.
 */
public sealed interface Message {
    MessageType type();

    int from();

    int to();

    /** Phase 1a for every slot at and above {@code slotFrom} at once (Multi-Paxos). */
    record Prepare(int from, int to, long ballot, long slotFrom) implements Message {
        public MessageType type() {
            return MessageType.PREPARE;
        }
    }

    /**
     * Phase 1b: the acceptor promised {@code ballot} and reports every entry it holds at and
     * above the prepare's slotFrom. If it compacted past slotFrom ({@code snapshotBelow >
     * slotFrom}), the entries are incomplete and the candidate must not count this promise.
     */
    record Promise(int from, int to, long ballot, long chosenBelow, long snapshotBelow,
                   List<Entry> entries) implements Message {
        public MessageType type() {
            return MessageType.PROMISE;
        }
    }

    /**
     * Phase 2a for the contiguous slots of {@code entries} (one Accept per peer per turn), with
     * the leader's chosen prefix piggybacked.
     */
    record Accept(int from, int to, long ballot, List<Entry> entries, long chosenBelow)
            implements Message {
        public MessageType type() {
            return MessageType.ACCEPT;
        }
    }

    /**
     * Phase 2b for slots [slotFirst, slotEnd), and the acceptor's chosen prefix. With quorum
     * leases, {@code leaseWaitMask} names the lease holders that must hold the slots in this
     * ballot before this acceptance counts toward the write quorum (0: it counts at once), and
     * {@code waitIncarnations} the incarnation of each (in node order) that the acceptor granted
     * to: a holder holds the slots if it accepted them durably, or sent a {@link Held} from that
     * incarnation. Either way the message tells the leader that the acceptor holds them.
     */
    record Accepted(int from, int to, long ballot, long slotFirst, long slotEnd, long chosenBelow,
                    int leaseWaitMask, long[] waitIncarnations) implements Message {
        public MessageType type() {
            return MessageType.ACCEPTED;
        }
    }

    /**
     * A Prepare, Accept or Heartbeat at {@code ballot} was refused: the acceptor promised
     * {@code promisedBallot}, or it follows a live leader {@code leaderIndex} (stickiness).
     */
    record Refuse(int from, int to, long ballot, long promisedBallot, int leaderIndex)
            implements Message {
        public MessageType type() {
            return MessageType.REFUSE;
        }
    }

    record Heartbeat(int from, int to, long ballot, long chosenBelow) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT;
        }
    }

    /**
     * Answer to a heartbeat: the follower's chosen prefix after it applied the piggybacked
     * one, and the prefix the heartbeat carried, so the leader sends Learn only for slots the
     * follower could not mark chosen itself (not for slots chosen while the reply travelled).
     */
    record HeartbeatReply(int from, int to, long ballot, long chosenBelow,
                          long heartbeatChosenBelow) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT_REPLY;
        }
    }

    /** Chosen entries for a replica that lags (catch-up); valid whatever the ballot. */
    record Learn(int from, int to, List<Entry> entries) implements Message {
        public MessageType type() {
            return MessageType.LEARN;
        }
    }

    /** One piece of a snapshot; chunks of one snapshot arrive in offset order or restart. */
    record SnapshotChunk(int from, int to, long slotBelow, int membersMask, int offset,
                         int sizeBytes, byte[] data) implements Message {
        public MessageType type() {
            return MessageType.SNAPSHOT_CHUNK;
        }
    }

    /** ReadIndex: a follower asks the leader for a read index for its request {@code requestId}. */
    record ReadIndexRequest(int from, int to, long requestId) implements Message {
        public MessageType type() {
            return MessageType.READ_INDEX_REQUEST;
        }
    }

    /**
     * ReadIndex: the leader of {@code ballot}, confirmed by a majority after the request came,
     * answers with its chosen prefix: the requester serves the read once it applied that far.
     */
    record ReadIndexReply(int from, int to, long ballot, long requestId, long index)
            implements Message {
        public MessageType type() {
            return MessageType.READ_INDEX_REPLY;
        }
    }

    /** ReadIndex: the leader asks its followers to confirm it still leads ({@code round}). */
    record ReadRound(int from, int to, long ballot, long round) implements Message {
        public MessageType type() {
            return MessageType.READ_ROUND;
        }
    }

    /** ReadIndex: a follower of {@code ballot} confirms round {@code round}. */
    record ReadRoundReply(int from, int to, long ballot, long round) implements Message {
        public MessageType type() {
            return MessageType.READ_ROUND_REPLY;
        }
    }

    /**
     * Quorum lease: a holder has slots [slotFirst, slotEnd) of {@code ballot} in memory, not yet
     * durably, and treats their keys as written (its local reads of them wait until it applied
     * them). Sent before the fsync, so a write need not wait for every holder's disk, only for a
     * majority's. A restart voids every grant the holder had, so the slots need not survive it;
     * {@code incarnation} keeps a late Held of an earlier incarnation from counting for grants
     * given to a later one.
     */
    record Held(int from, int to, long ballot, long slotFirst, long slotEnd, long incarnation)
            implements Message {
        public MessageType type() {
            return MessageType.HELD;
        }
    }

    /**
     * Quorum lease: a grantor offers a grant; the holder starts its guard and acknowledges.
     * Every lease message carries the sender's lease holder set and its era (see
     * QuorumLease#adopt): a replica that missed the log entry that changed the set, or restarted
     * past it, takes the newer set from its peers.
     */
    record LeaseGuard(int from, int to, long era, int holdersMask) implements Message {
        public MessageType type() {
            return MessageType.LEASE_GUARD;
        }
    }

    /**
     * Quorum lease: a promise valid at the holder until {@code anchorTick} (the holder's own
     * tick count in an acknowledgement of its incarnation {@code holderIncarnation}) plus the
     * lease; {@code slotBelow} is the grantor's accepted slot end, which the holder must apply
     * before it reads locally.
     */
    record LeasePromise(int from, int to, long era, int holdersMask, long holderIncarnation,
                        long anchorTick, long slotBelow) implements Message {
        public MessageType type() {
            return MessageType.LEASE_PROMISE;
        }
    }

    /**
     * Quorum lease: the holder's acknowledgement of a guard or promise, with its tick count (an
     * anchor for the next promise) and the slot end it recorded from the promise (0 for guards).
     */
    record LeaseAck(int from, int to, long era, int holdersMask, long incarnation,
                    long holderTick, long slotRecordedBelow) implements Message {
        public MessageType type() {
            return MessageType.LEASE_ACK;
        }
    }
}
