package kv.server.consensus;

import kv.server.Assert;

/**
 * The slots a replica holds, [slotFirst, slotEnd), in a ring indexed by slot: the entry, whether
 * it is known chosen, and (leader only) two bitmasks over the current ballot: the acceptors
 * known to hold the entry ({@code holders}) and those whose acceptance counts toward the write
 * quorum ({@code acks}; with quorum leases an acceptance may wait for lease holders to hold
 * the entry, see {@code QuorumLease#waitMask}). Holes are null entries.
 */
final class SlotLog {
    private static final int N = kv.server.Limits.REPLICAS_COUNT_MAX;
    private Entry[] entries = new Entry[64];
    private boolean[] chosen = new boolean[64];
    private int[] acks = new int[64];
    private int[] holders = new int[64];
    /**
     * Leader: per slot and node, the incarnation of the latest Held (in memory, not durable)
     * from that node for the slot in our ballot; 0 if none.
     */
    private long[] heldIncarnations = new long[64 * N];
    /** Leader: our tick count when a majority first held the slot; -1 before. */
    private long[] majorityHeldTick = new long[64];
    private long slotFirst;
    private long slotEnd;

    SlotLog(long slotFirst) {
        this.slotFirst = slotFirst;
        this.slotEnd = slotFirst;
    }

    long slotFirst() {
        return slotFirst;
    }

    long slotEnd() {
        return slotEnd;
    }

    boolean holds(long slot) {
        return slot >= slotFirst && slot < slotEnd;
    }

    Entry entry(long slot) {
        return holds(slot) ? entries[index(slot)] : null;
    }

    boolean chosen(long slot) {
        return holds(slot) && chosen[index(slot)];
    }

    int acks(long slot) {
        return holds(slot) ? acks[index(slot)] : 0;
    }

    int holders(long slot) {
        return holds(slot) ? holders[index(slot)] : 0;
    }

    long heldIncarnation(long slot, int node) {
        return holds(slot) ? heldIncarnations[index(slot) * N + node] : 0;
    }

    void setHeldIncarnation(long slot, int node, long incarnation) {
        Assert.that(holds(slot), "slot %d outside the log", slot);
        heldIncarnations[index(slot) * N + node] = incarnation;
    }

    long majorityHeldTick(long slot) {
        return holds(slot) ? majorityHeldTick[index(slot)] : -1;
    }

    void setMajorityHeldTick(long slot, long tick) {
        Assert.that(holds(slot), "slot %d outside the log", slot);
        majorityHeldTick[index(slot)] = tick;
    }

    void put(Entry entry) {
        long slot = entry.slot();
        Assert.that(slot >= slotFirst, "put slot %d below first %d", slot, slotFirst);
        extendTo(slot + 1);
        int i = index(slot);
        entries[i] = entry;
        acks[i] = 0;
        holders[i] = 0;
        majorityHeldTick[i] = -1;
        java.util.Arrays.fill(heldIncarnations, i * N, i * N + N, 0L);
    }

    void markChosen(long slot) {
        Assert.that(holds(slot) && entries[index(slot)] != null, "chosen slot %d has no entry",
                slot);
        chosen[index(slot)] = true;
    }

    void setAcks(long slot, int mask) {
        Assert.that(holds(slot), "acks for slot %d outside the log", slot);
        acks[index(slot)] = mask;
    }

    void setHolders(long slot, int mask) {
        Assert.that(holds(slot), "holders for slot %d outside the log", slot);
        holders[index(slot)] = mask;
    }

    /** Drops slots below {@code slot}; the log restarts empty there if it held less. */
    void truncateBelow(long slot) {
        if (slot <= slotFirst) return;
        long end = Math.min(slot, slotEnd);
        for (long s = slotFirst; s < end; s++) clear(index(s));
        slotFirst = slot;
        if (slotEnd < slot) slotEnd = slot;
    }

    private void extendTo(long end) {
        if (end <= slotEnd) return;
        long size = end - slotFirst;
        Assert.that(size < Integer.MAX_VALUE / 2, "log of %d slots too large", size);
        if (size > entries.length) grow((int) size);
        for (long s = slotEnd; s < end; s++) clear(index(s));
        slotEnd = end;
    }

    private void grow(int sizeMin) {
        int capacity = entries.length;
        while (capacity < sizeMin) capacity *= 2;
        Entry[] newEntries = new Entry[capacity];
        boolean[] newChosen = new boolean[capacity];
        int[] newAcks = new int[capacity];
        int[] newHolders = new int[capacity];
        long[] newMajorityHeldTick = new long[capacity];
        long[] newHeldIncarnations = new long[capacity * N];
        for (long s = slotFirst; s < slotEnd; s++) {
            int from = index(s);
            int to = (int) (s & (capacity - 1));
            newEntries[to] = entries[from];
            newChosen[to] = chosen[from];
            newAcks[to] = acks[from];
            newHolders[to] = holders[from];
            newMajorityHeldTick[to] = majorityHeldTick[from];
            System.arraycopy(heldIncarnations, from * N, newHeldIncarnations, to * N, N);
        }
        entries = newEntries;
        chosen = newChosen;
        acks = newAcks;
        holders = newHolders;
        majorityHeldTick = newMajorityHeldTick;
        heldIncarnations = newHeldIncarnations;
    }

    private void clear(int i) {
        entries[i] = null;
        chosen[i] = false;
        acks[i] = 0;
        holders[i] = 0;
        majorityHeldTick[i] = -1;
        java.util.Arrays.fill(heldIncarnations, i * N, i * N + N, 0L);
    }

    private int index(long slot) {
        return (int) (slot & (entries.length - 1));
    }
}
