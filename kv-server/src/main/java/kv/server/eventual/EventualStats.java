package kv.server.eventual;

/**
 * Plain counters of one eventual replica; the metrics package binds them (STYLE.md section 7).
 * Only the node loop writes them.
 */
public final class EventualStats {
    public long writesAcknowledged;
    public long writesUnavailable;
    public long readsUnavailable;
    /** Incoming values that replaced an older local one (last writer won). */
    public long conflictsResolved;
    /** Stale replicas sent a newer value during a QUORUM or ALL read. */
    public long readRepairs;
    public long antiEntropyRounds;
    public long antiEntropyRangesCompared;
    /** Keys sent or fetched by anti-entropy because two replicas differed. */
    public long antiEntropyKeysRepaired;
    public long pushBatchesSent;
    public long pushBatchesRetried;
    public long messagesRejected;
    public long tombstonesDropped;
    /** Update log entries dropped before every peer acknowledged them (log bound reached). */
    public long logEntriesOverflowed;
    public long requestsBusy;
}
