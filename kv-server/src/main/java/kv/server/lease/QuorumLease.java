package kv.server.lease;

import kv.server.Assert;
import kv.server.Limits;

/**
 * Lease state of one replica, as holder (promises it received) and as grantor (grants it
 * gave), after Moraru et al., "Paxos Quorum Leases" (SoCC 2014) and efficient/qlease. Pure:
 * the caller passes its local tick count; no clock, no I/O.
 *
 * <h2>Grant</h2>
 * A grantor sends a guard; the holder records {@code guardExpiry = now + guard (shortened)}
 * and acknowledges with its own tick count. The grantor then sends a promise that echoes that
 * tick (the anchor) and its latest accepted slot. The holder ignores a promise that arrives
 * after both its previous promise and its guard from that grantor expired; otherwise it is
 * valid until {@code anchor + lease (shortened)}. Renewals are promises anchored at the
 * holder's latest acknowledgement. Because the anchor was taken before the anchoring
 * acknowledgement reached the grantor, the holder's expiry precedes the grantor's
 * {@code ackReceivedTick + lease (lengthened) + 1} in real time whatever the message delays, as
 * long as clock rates stay within the drift bound.
 *
 * <h2>Reads and writes</h2>
 * A holder's lease is valid until the floor(N/2)-th largest promise expiry among the other
 * members (with itself, a majority). A grantor's acceptance of a slot counts toward the write
 * quorum only once every holder it may still hold a grant for holds that slot in the same
 * ballot (the leader sees the holders' own acceptances, or their Held messages, sent before
 * their fsync, from the incarnation the grantor granted to), has acknowledged a promise
 * reporting it, or its grant expired ({@link #waitMask}); so a write quorum and a holder's lease quorum
 * always share a node that makes the holder wait for the write. In the common case every
 * holder accepts at once and a write costs no lease message at all.
 *
 * <h2>Restart</h2>
 * Grants live in memory only: a grantor that crashed and restarted no longer knows which
 * holders still count on a promise from its earlier incarnation. It therefore treats every
 * holder as holding a grant for one grantor lease after it starts (its tick 0), and gates its
 * acceptances on them as above; a holder that acknowledges a promise of the new incarnation
 * lifts the gate earlier.
 */
public final class QuorumLease {
    private static final int N = Limits.REPLICAS_COUNT_MAX;

    /** Durations, and the current holder set and its era (see {@link #adopt}). */
    private LeaseConfig config;
    /**
     * The holders of the bootstrap configuration: every holder set agreed later is a subset, so
     * any grant we gave, in any era, went to one of these.
     */
    private final int configuredHoldersMask;
    private final int selfIndex;
    /** Test only: the holder counts the lease unshortened, the grantor unlengthened. */
    private final boolean ignoreDriftBound;
    /** Test only: a grantor stops waiting for a holder once it is dropped from the set. */
    private final boolean forgetDroppedHolders;

    // Holder side, per grantor: expiries in our ticks; 0 means none.
    private final long[] guardExpiryTick = new long[N];
    private final long[] promiseExpiryTick = new long[N];
    /** Highest slot end any grantor reported in a promise we took; reads wait to apply it. */
    private long slotRequiredBelow;

    // Grantor side, per holder: our ticks unless named for the holder.
    private final long[] grantExpiryTick = new long[N];
    private final long[] guardSentTick = new long[N];
    private final long[] promiseSentTick = new long[N];
    /** The slot end reported in the last promise sent. */
    private final long[] promisedSlotBelow = new long[N];
    /** The highest slot end the holder acknowledged having recorded (it must apply it). */
    private final long[] ackedSlotBelow = new long[N];
    /** The holder's tick count and incarnation in its latest acknowledgement; -1 if none. */
    private final long[] ackHolderTick = new long[N];
    private final long[] ackIncarnation = new long[N];
    /** Our tick count when that acknowledgement arrived: the holder's anchor came before. */
    private final long[] ackReceivedTick = new long[N];
    /** An acknowledgement arrived since the last promise: a promise may be anchored on it. */
    private final boolean[] ackFresh = new boolean[N];
    /**
     * Until this tick a grant given before our restart may still be valid at any holder: every
     * earlier promise was anchored before we started at tick 0.
     */
    private final long forgottenGrantsExpiryTick;

    public QuorumLease(LeaseConfig config, int selfIndex, boolean ignoreDriftBound) {
        this(config, selfIndex, ignoreDriftBound, false);
    }

    public QuorumLease(LeaseConfig config, int selfIndex, boolean ignoreDriftBound,
                       boolean forgetDroppedHolders) {
        Assert.that(selfIndex >= 0 && selfIndex < N, "node index %d", selfIndex);
        this.config = config;
        this.configuredHoldersMask = config.holdersMask();
        this.selfIndex = selfIndex;
        this.ignoreDriftBound = ignoreDriftBound;
        this.forgetDroppedHolders = forgetDroppedHolders;
        java.util.Arrays.fill(guardSentTick, Long.MIN_VALUE / 2);
        java.util.Arrays.fill(promiseSentTick, Long.MIN_VALUE / 2);
        java.util.Arrays.fill(ackHolderTick, -1);
        this.forgottenGrantsExpiryTick = grantorLeaseTicks();
    }

    public LeaseConfig config() {
        return config;
    }

    /**
     * Takes the holder set {@code holdersMask} of {@code era} if that era is newer than ours;
     * true if it did. Safe in any order and at any time: a holder's reads rest only on the
     * promises it holds, and a grantor keeps waiting for every holder it may have granted to in
     * any era until that grant ends ({@link #waitMask}); the set only decides whom we grant to
     * from now on, and whether we serve reads as a holder.
     */
    public boolean adopt(long era, int holdersMask) {
        if (era <= config.era()) return false;
        config = config.withHolders(era, holdersMask & configuredHoldersMask);
        return true;
    }

    long holderLeaseTicks() {
        return ignoreDriftBound ? config.leaseDurationTicks() : config.holderLeaseTicks();
    }

    long grantorLeaseTicks() {
        return ignoreDriftBound ? config.leaseDurationTicks() : config.grantorLeaseTicks();
    }

    // ---------------------------------------------------------------- holder

    public void onGuard(int grantor, long nowTick) {
        guardExpiryTick[grantor] = Math.max(guardExpiryTick[grantor],
                nowTick + config.holderGuardTicks());
    }

    /**
     * A promise from {@code grantor} anchored at our tick {@code anchorTick}; false if ignored
     * (from the future or another incarnation is the caller's check; here: too late).
     */
    public boolean onPromise(int grantor, long nowTick, long anchorTick, long slotBelow) {
        Assert.that(anchorTick <= nowTick, "anchor %d after now %d", anchorTick, nowTick);
        if (!acceptsPromise(nowTick, guardExpiryTick[grantor], promiseExpiryTick[grantor])) {
            return false;
        }
        promiseExpiryTick[grantor] = Math.max(promiseExpiryTick[grantor],
                anchorTick + holderLeaseTicks());
        slotRequiredBelow = Math.max(slotRequiredBelow, slotBelow);
        return true;
    }

    /** The paper's rule: ignore a promise once both the last promise and the guard expired. */
    static boolean acceptsPromise(long nowTick, long guardExpiryTick, long promiseExpiryTick) {
        return nowTick < guardExpiryTick || nowTick < promiseExpiryTick;
    }

    public long slotRequiredBelow() {
        return slotRequiredBelow;
    }

    public long promiseExpiryTick(int grantor) {
        return promiseExpiryTick[grantor];
    }

    /** Our lease is valid while {@code nowTick < validUntil}; 0 without a quorum of grants. */
    public long validUntil(int membersMask) {
        return validUntil(promiseExpiryTick, membersMask & ~(1 << selfIndex),
                Integer.bitCount(membersMask));
    }

    /**
     * The floor(membersCount/2)-th largest expiry among {@code othersMask}: with the holder
     * itself, that many grantors make a majority. 0 when fewer others are members.
     */
    static long validUntil(long[] expiryTick, int othersMask, int membersCount) {
        int needed = membersCount / 2;
        if (needed == 0) return Long.MAX_VALUE; // a single replica is its own majority
        long[] top = new long[N];
        int count = 0;
        for (int i = 0; i < N; i++) {
            if ((othersMask & (1 << i)) == 0) continue;
            // insertion into a descending array of at most N values: no allocation per entry
            long value = expiryTick[i];
            int at = count++;
            while (at > 0 && top[at - 1] < value) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = value;
        }
        return count < needed ? 0 : top[needed - 1];
    }

    // ---------------------------------------------------------------- grantor

    public void onAck(int holder, long nowTick, long incarnation, long holderTick,
                      long slotRecordedBelow) {
        if (ackIncarnation[holder] != incarnation || holderTick > ackHolderTick[holder]) {
            ackReceivedTick[holder] = nowTick;
            ackIncarnation[holder] = incarnation;
            ackHolderTick[holder] = holderTick;
            ackFresh[holder] = true;
        }
        ackedSlotBelow[holder] = Math.max(ackedSlotBelow[holder], slotRecordedBelow);
    }

    public boolean grantLive(int holder, long nowTick) {
        return nowTick < grantExpiryTick[holder];
    }

    /** True when a guard should go to {@code holder}: no live grant and no anchor to use. */
    public boolean guardDue(int holder, long nowTick) {
        return !grantLive(holder, nowTick) && !ackFresh[holder]
                && nowTick - guardSentTick[holder] >= config.renewIntervalTicks();
    }

    public void guardSent(int holder, long nowTick) {
        guardSentTick[holder] = nowTick;
    }

    /**
     * True when a promise should go to {@code holder}: we have an anchor, and the renewal is
     * due, or (with {@code reportSlots}) our accepted slots moved past what we last reported
     * while the grant lives.
     */
    public boolean promiseDue(int holder, long nowTick, long slotBelow, boolean reportSlots) {
        if (ackHolderTick[holder] < 0) return false;
        boolean live = grantLive(holder, nowTick);
        if (!live && !ackFresh[holder]) return false;
        return nowTick - promiseSentTick[holder] >= config.renewIntervalTicks()
                || (live && reportSlots && slotBelow > promisedSlotBelow[holder])
                || (!live && ackFresh[holder]);
    }

    public long anchorTick(int holder) {
        return ackHolderTick[holder];
    }

    public long anchorIncarnation(int holder) {
        return ackIncarnation[holder];
    }

    public void promiseSent(int holder, long nowTick, long slotBelow) {
        promiseSentTick[holder] = nowTick;
        promisedSlotBelow[holder] = slotBelow;
        ackFresh[holder] = false;
        // The holder counts from its anchor, sent before the anchoring acknowledgement arrived
        // here: a renewal on an old anchor adds nothing, so a silent holder's grant runs out.
        grantExpiryTick[holder] = Math.max(grantExpiryTick[holder],
                ackReceivedTick[holder] + grantorLeaseTicks());
    }

    public long grantExpiryTick(int holder) {
        return grantExpiryTick[holder];
    }

    /**
     * Slots below the returned end are covered for every holder (member, not us) whose grant
     * from us, or from our incarnation before a restart, may still be valid: each acknowledged
     * a promise reporting them. {@code Long.MAX_VALUE} when no grant is live. The tests' and the
     * model's view of the acknowledgement half of {@link #waitMask}, which is what runs.
     */
    long gateSlotEnd(long nowTick, int membersMask) {
        long end = Long.MAX_VALUE;
        for (int holder = 0; holder < N; holder++) {
            if (!mayHoldGrant(holder, nowTick, membersMask)) continue;
            end = Math.min(end, ackedSlotBelow[holder]);
        }
        return end;
    }

    /**
     * The holders that must hold slots below {@code slotEnd} before our acceptance of them may
     * count toward a write quorum: those whose grant from us (or from our incarnation before a
     * restart) may still be valid and that have not acknowledged a promise reporting them. The
     * leader counts our vote once each of them accepted the slots in the same ballot (the
     * paper's "the write waits for every lease holder"); 0 means our vote counts at once.
     */
    public int waitMask(long nowTick, int membersMask, long slotEnd) {
        int mask = 0;
        for (int holder = 0; holder < N; holder++) {
            if (!mayHoldGrant(holder, nowTick, membersMask)) continue;
            if (ackedSlotBelow[holder] < slotEnd) mask |= 1 << holder;
        }
        return mask;
    }

    /**
     * The incarnation of each holder in {@code waitMask} (node order) as our latest
     * acknowledgement from it says; 0 when none came (a grant from before our restart).
     */
    public long[] waitIncarnations(int waitMask) {
        long[] incarnations = new long[Integer.bitCount(waitMask)];
        int k = 0;
        for (int holder = 0; holder < N; holder++) {
            if ((waitMask & (1 << holder)) != 0) incarnations[k++] = ackIncarnation[holder];
        }
        return incarnations;
    }

    /** Writes each holder's incarnation from its latest acknowledgement (0: none) into {@code out}. */
    public void incarnationsByNode(long[] out) {
        System.arraycopy(ackIncarnation, 0, out, 0, N);
    }

    private boolean mayHoldGrant(int holder, long nowTick, int membersMask) {
        if (holder == selfIndex || (membersMask & (1 << holder)) == 0) return false;
        // Not config.holds: a holder dropped from the set keeps its grants until they end.
        int holders = forgetDroppedHolders ? config.holdersMask() : configuredHoldersMask;
        if ((holders & (1 << holder)) == 0) return false;
        return grantLive(holder, nowTick) || nowTick < forgottenGrantsExpiryTick;
    }
}
