package kv.server.consensus;

/** Plain counters the core fills; the metrics package binds them (STYLE.md section 7). */
public final class ReplicaStats {
    public long proposalsQueuedCount;
    /** Accepted replies held back until lease holders knew of the slots. */
    public long acceptedDeferredCount;
    /** Ticks those replies waited in total, released ones only (mean delay = total / count). */
    public long acceptedDeferredTicksTotal;
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
