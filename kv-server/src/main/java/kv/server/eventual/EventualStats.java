package kv.server.eventual;

import kv.server.Limits;

/**
 * Plain counters of one eventual replica; the metrics package binds them (STYLE.md section 7).
 * Only the node loop writes them; others read a {@link #copy} it publishes.
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
    /** Range comparisons that found the replicas different (and sent or fetched values). */
    public long antiEntropyRangesRepaired;
    /** Keys sent or fetched by anti-entropy because two replicas differed. */
    public long antiEntropyKeysRepaired;
    public long pushBatchesSent;
    public long pushBatchesRetried;
    public long messagesRejected;
    public long tombstonesDropped;
    /** Update log entries dropped before every peer acknowledged them (log bound reached). */
    public long logEntriesOverflowed;
    public long requestsBusy;
    /**
     * Replication lag per peer (by replica index), refreshed each tick: update log entries the
     * peer has not acknowledged, and how old the oldest of them is (wall milliseconds, 0 when
     * none). Zero for this node and non-members.
     */
    public final long[] peerLagEntries = new long[Limits.REPLICAS_COUNT_MAX];
    public final long[] peerLagMillis = new long[Limits.REPLICAS_COUNT_MAX];

    /** A snapshot to hand to other threads. */
    public EventualStats copy() {
        EventualStats copy = new EventualStats();
        copy.writesAcknowledged = writesAcknowledged;
        copy.writesUnavailable = writesUnavailable;
        copy.readsUnavailable = readsUnavailable;
        copy.conflictsResolved = conflictsResolved;
        copy.readRepairs = readRepairs;
        copy.antiEntropyRounds = antiEntropyRounds;
        copy.antiEntropyRangesCompared = antiEntropyRangesCompared;
        copy.antiEntropyRangesRepaired = antiEntropyRangesRepaired;
        copy.antiEntropyKeysRepaired = antiEntropyKeysRepaired;
        copy.pushBatchesSent = pushBatchesSent;
        copy.pushBatchesRetried = pushBatchesRetried;
        copy.messagesRejected = messagesRejected;
        copy.tombstonesDropped = tombstonesDropped;
        copy.logEntriesOverflowed = logEntriesOverflowed;
        copy.requestsBusy = requestsBusy;
        System.arraycopy(peerLagEntries, 0, copy.peerLagEntries, 0, peerLagEntries.length);
        System.arraycopy(peerLagMillis, 0, copy.peerLagMillis, 0, peerLagMillis.length);
        return copy;
    }
}
