package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.DigestReply;
import kv.server.eventual.EventualMessage.DigestRequest;
import kv.server.eventual.EventualMessage.Fetch;
import kv.server.eventual.EventualMessage.KeyRef;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.eventual.EventualMessage.RangeReply;
import kv.server.eventual.EventualMessage.RangeRequest;
import kv.server.eventual.EventualMessage.Repair;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.Bytes;

/**
 * Anti-entropy: repairs whatever push and read repair missed (lost batches, a dropped log tail, a
 * node that lost its disk). Once per interval this node starts a round with the next peer:
 * <ol>
 *   <li>DIGEST_REQUEST: the peer answers with its XOR digest of every bucket's live versions;
 *   <li>for up to {@link Limits#EVENTUAL_ROUND_RANGES_COUNT_MAX} differing buckets (resuming
 *       where the last round with that peer stopped, so every bucket gets its turn),
 *       RANGE_REQUEST: the peer lists a bounded run of the bucket's key versions;
 *   <li>comparing the listing with its own, this node sends the values it holds newer (REPAIR)
 *       and asks for the ones the peer holds newer (FETCH), then asks for the next run.
 * </ol>
 * Replies are facts about the peer at some moment; merging is last writer wins, so a stale
 * reply costs bandwidth, never correctness. Replies to an older round are ignored, which keeps
 * a round within its byte bound. The next round starts once the interval passed and the current
 * one has no request left unanswered, or has heard nothing for
 * {@link Limits#EVENTUAL_ROUND_SILENCE_INTERVALS_MAX} intervals: starting on time regardless
 * made every round on a link with round trips near the interval obsolete before its range
 * replies came back, so nothing was ever repaired (simulator seed 3002157). A peer whose last
 * round went silent holds nothing back until it answers again.
 */
final class AntiEntropy {
    private final EventualConfig config;
    private final EventualStore store;
    private final Merger merger;
    private final Outbox outbox;
    private final EventualStats stats;
    private long roundNextNanos = Long.MIN_VALUE;
    private long roundIdNext;
    private long roundId = -1;
    private int roundPeer = -1;
    private int roundRangesLeft;
    /** Requests of the current round not answered yet. */
    private int roundAwaitedCount;
    /** When the current round last sent or heard something. */
    private long roundActiveNanos;
    /**
     * Per peer: its last round was given up for silence (down or cut off). A round with a
     * silent peer does not hold back the next one, so peers that answer keep their pace.
     */
    private final boolean[] peerSilent = new boolean[Limits.REPLICAS_COUNT_MAX];
    private long nowNanos;
    /** Per peer: the bucket the next round with it starts comparing at. */
    private final int[] bucketNext = new int[Limits.REPLICAS_COUNT_MAX];

    AntiEntropy(EventualConfig config, EventualStore store, Merger merger, Outbox outbox,
                EventualStats stats, long roundIdFirst) {
        this.config = config;
        this.store = store;
        this.merger = merger;
        this.outbox = outbox;
        this.stats = stats;
        this.roundIdNext = roundIdFirst;
    }

    void tick(long nowNanos) {
        this.nowNanos = nowNanos;
        if (roundNextNanos == Long.MIN_VALUE) {
            roundNextNanos = nowNanos + config.antiEntropyIntervalNanos();
            return;
        }
        if (nowNanos < roundNextNanos || roundInProgress()) return;
        if (roundAwaitedCount > 0) peerSilent[roundPeer] = true; // given up
        roundNextNanos = nowNanos + config.antiEntropyIntervalNanos();
        int peer = nextPeer();
        if (peer < 0) return;
        roundPeer = peer;
        roundId = roundIdNext++;
        roundRangesLeft = Limits.EVENTUAL_ROUND_RANGES_COUNT_MAX;
        stats.antiEntropyRounds++;
        roundAwaitedCount = 1;
        roundActiveNanos = nowNanos;
        outbox.send(peer, new DigestRequest(roundId));
    }

    private boolean roundInProgress() {
        return roundAwaitedCount > 0 && !peerSilent[roundPeer] && nowNanos - roundActiveNanos
                < Limits.EVENTUAL_ROUND_SILENCE_INTERVALS_MAX * config.antiEntropyIntervalNanos();
    }

    /** A reply of the current round arrived. */
    private void heard() {
        roundAwaitedCount = Math.max(0, roundAwaitedCount - 1); // a duplicated reply counts once
        roundActiveNanos = nowNanos;
        peerSilent[roundPeer] = false;
    }

    private int nextPeer() {
        for (int i = 1; i <= Limits.REPLICAS_COUNT_MAX; i++) {
            int candidate = (Math.max(roundPeer, config.nodeIndex()) + i)
                    % Limits.REPLICAS_COUNT_MAX;
            if (config.isPeer(candidate)) return candidate;
        }
        return -1;
    }

    private boolean inRound(int from, long id) {
        return from == roundPeer && id == roundId;
    }

    void onDigestRequest(int from, DigestRequest request) {
        outbox.send(from, new DigestReply(request.roundId(), store.digests()));
    }

    void onDigestReply(int from, DigestReply reply) {
        if (!inRound(from, reply.roundId())) return;
        heard();
        long[] local = store.digests();
        int start = bucketNext[from];
        for (int i = 0; i < local.length && roundRangesLeft > 0; i++) {
            int bucket = (start + i) % local.length;
            if (local[bucket] == reply.digests()[bucket]) continue;
            requestRange(from, bucket, new byte[0]);
            bucketNext[from] = (bucket + 1) % local.length;
        }
    }

    private void requestRange(int peer, int bucket, byte[] afterKey) {
        roundRangesLeft--;
        roundAwaitedCount++;
        outbox.send(peer, new RangeRequest(roundId, bucket, afterKey));
    }

    void onRangeRequest(int from, RangeRequest request) {
        boolean[] complete = new boolean[1];
        List<KeyVersion> items = store.listBucket(request.bucket(), request.afterKey(),
                Limits.EVENTUAL_RANGE_ITEMS_COUNT_MAX, Limits.EVENTUAL_RANGE_SIZE_BYTES_MAX,
                complete);
        outbox.send(from, new RangeReply(request.roundId(), request.bucket(), request.afterKey(),
                complete[0], items));
    }

    /** Compares one run of a bucket: both listings up to where the shorter one stops. */
    void onRangeReply(int from, RangeReply reply) {
        if (!inRound(from, reply.roundId())) return;
        heard();
        stats.antiEntropyRangesCompared++;
        boolean[] localComplete = new boolean[1];
        List<KeyVersion> local = store.listBucket(reply.bucket(), reply.afterKey(),
                Limits.EVENTUAL_RANGE_ITEMS_COUNT_MAX, Limits.EVENTUAL_RANGE_SIZE_BYTES_MAX,
                localComplete);
        List<KeyVersion> remote = reply.items();
        byte[] end = earlierEnd(reply.complete() ? null : lastKey(remote),
                localComplete[0] ? null : lastKey(local));
        List<Update> repairs = new ArrayList<>();
        List<KeyRef> fetches = new ArrayList<>();
        int tombstonesMerged = 0;
        byte[] endAt = end == null ? null : EventualLayout.listingOfCompound(end);
        int l = 0;
        int r = 0;
        // Each item's listing position (it hashes the key) is computed once, when reached.
        byte[] mineAt = listingAt(local, l);
        byte[] theirsAt = listingAt(remote, r);
        while (mineAt != null || theirsAt != null) {
            int order = mineAt == null ? 1 : theirsAt == null ? -1
                    : Bytes.ORDER.compare(mineAt, theirsAt);
            if (endAt != null && Bytes.ORDER.compare(order <= 0 ? mineAt : theirsAt, endAt) > 0) {
                break;
            }
            KeyVersion mine = order <= 0 ? local.get(l) : null;
            KeyVersion theirs = order >= 0 ? remote.get(r) : null;
            if (order < 0) {
                if (!mine.tombstone()) repairs.add(localUpdate(mine));
            } else if (order > 0) {
                if (!theirs.tombstone()) fetches.add(new KeyRef(theirs.keyspace(), theirs.key()));
            } else {
                tombstonesMerged += compareBoth(mine, theirs, repairs, fetches);
            }
            if (order <= 0) mineAt = listingAt(local, ++l);
            if (order >= 0) theirsAt = listingAt(remote, ++r);
        }
        sendRepairs(from, repairs);
        if (!fetches.isEmpty()) outbox.send(from, new Fetch(fetches));
        int keysRepaired = repairs.size() + fetches.size() + tombstonesMerged;
        stats.antiEntropyKeysRepaired += keysRepaired;
        if (keysRepaired > 0) stats.antiEntropyRangesRepaired++;
        if (end != null && roundRangesLeft > 0) requestRange(from, reply.bucket(), end);
    }

    /** Queues the repair or fetch one key needs; returns 1 if it merged a tombstone here. */
    private int compareBoth(KeyVersion mine, KeyVersion theirs, List<Update> repairs,
                            List<KeyRef> fetches) {
        int order = mine.version().compareTo(theirs.version());
        if (order > 0) {
            repairs.add(localUpdate(mine));
        } else if (order < 0 && theirs.tombstone()) {
            // A tombstone needs no value: merge it straight from the listing.
            merger.merge(new Update(theirs.keyspace(), theirs.key(),
                    Versioned.tombstone(theirs.version())));
            return 1;
        } else if (order < 0) {
            fetches.add(new KeyRef(theirs.keyspace(), theirs.key()));
        }
        return 0;
    }

    private Update localUpdate(KeyVersion item) {
        return new Update(item.keyspace(), item.key(), store.read(item.keyspace(), item.key()));
    }

    /** Sends one message's worth; the rest waits for a later round (bounded bandwidth). */
    private void sendRepairs(int peer, List<Update> repairs) {
        if (repairs.isEmpty()) return;
        outbox.send(peer, new Repair(Outbox.chunks(repairs).get(0)));
    }

    void onFetch(int from, Fetch fetch) {
        List<Update> updates = new ArrayList<>();
        for (KeyRef ref : fetch.keys()) {
            Versioned value = merger.valueForPeer(ref.keyspace(), ref.key());
            if (!value.version().equals(Version.ZERO)) {
                updates.add(new Update(ref.keyspace(), ref.key(), value));
            }
        }
        sendRepairs(from, updates);
    }

    private static byte[] compound(KeyVersion item) {
        return EventualLayout.compound(item.keyspace(), item.key());
    }

    /** Where item {@code i} stands in a bucket listing (their order); null past the end. */
    private static byte[] listingAt(List<KeyVersion> items, int i) {
        if (i >= items.size()) return null;
        return EventualLayout.listing(items.get(i).keyspace(), items.get(i).key());
    }

    private static byte[] lastKey(List<KeyVersion> items) {
        // An empty incomplete listing cannot happen: a listing holds at least one key.
        return items.isEmpty() ? new byte[0] : compound(items.get(items.size() - 1));
    }

    /** The earlier of two inclusive ends (compound keys), where null is the end of the bucket. */
    private static byte[] earlierEnd(byte[] a, byte[] b) {
        if (a == null) return b;
        if (b == null) return a;
        return Bytes.ORDER.compare(EventualLayout.listingOfCompound(a),
                EventualLayout.listingOfCompound(b)) <= 0 ? a : b;
    }
}
