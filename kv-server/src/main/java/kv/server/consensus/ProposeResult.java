package kv.server.consensus;

/**
 * Outcome of {@link Replica#propose}. The core returns results, not exceptions (etcd-io/raft
 * {@code ErrProposalDropped}). QUEUED means "will be batched", not "chosen": the command is
 * chosen when it shows up in {@link Ready#entriesToApply()}.
 */
public enum ProposeResult {
    QUEUED,
    /** Not the leader; {@link Replica#leaderIndex()} names the known leader or -1 (-TRYAGAIN). */
    NOT_LEADER,
    /** The pending queue is full ({@code Limits.PROPOSALS_PENDING_COUNT_MAX}): -BUSY. */
    BUSY,
    /** The command alone exceeds the batch byte bound: -LIMIT. */
    TOO_LARGE
}
