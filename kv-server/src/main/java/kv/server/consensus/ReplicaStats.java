package kv.server.consensus;

/** Plain counters the core fills; the metrics package binds them (STYLE.md section 7). */
public final class ReplicaStats {
    public long proposalsQueuedCount;
    /** Acceptances sent with a lease wait mask (they counted once the holders held the slots). */
    public long acceptedDeferredCount;
    /** Ticks until those slots were chosen or the mask emptied, summed. */
    public long acceptedDeferredTicksTotal;
    /**
     * Leader: slots chosen at least a tick after a majority held them, because lease holders
     * did not hold them yet (a holder cut off, or a grant to a silent holder not yet ended).
     */
    public long slotsDelayedByLeaseCount;
    /** The ticks those slots waited, summed (mean = total / count). */
    public long slotsDelayedByLeaseTicksTotal;
    public long proposalsRefusedCount;
    public long proposalsDroppedCount;
    public long slotsProposedCount;
    public long slotsChosenCount;
    public long entriesAppliedCount;
    public long campaignsCount;
    public long leaderBecameCount;
    public long refusalsSentCount;
    public long messagesSentCount;
    public long catchUpEntriesSentCount;
    public long snapshotsRequestedCount;
    public long snapshotsInstalledCount;
    public long retransmitsCount;
}
