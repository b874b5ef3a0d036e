package kv.server.sim.checkers;

/**
 * Linearizability of strong reads served locally under quorum leases, per register: a key's
 * version is the slot end of the last applied write to it. Times are simulated: a read is
 * invoked when the client sends it and completes when the client receives the answer; a write
 * completes when its ack arrives. Per key, because the node's read path lets a holder read one
 * key while a write to another is accepted and not applied yet (linearizability is a local
 * property, Herlihy and Wing 1990: per-key histories that linearize make a whole that does).
 *
 * <p>A read of a key must return a version at least the floor taken when it was invoked: the
 * slot end of every write to that key acknowledged before, and the version of every read of
 * it completed before (a read that saw a write fixes that write before every later read).
 * Reads that time out or are forwarded return nothing and constrain nothing.
 */
public final class LeaseReadChecker {
    private final long[] writesAckedFloor;
    private final long[] readsCompletedFloor;
    private long localReadsCount;

    public LeaseReadChecker(int keysCount) {
        writesAckedFloor = new long[keysCount];
        readsCompletedFloor = new long[keysCount];
    }

    /** A client acknowledged a write of {@code key} applied first at {@code slot}. */
    public void onWriteAcked(int key, long slot) {
        writesAckedFloor[key] = Math.max(writesAckedFloor[key], slot + 1);
    }

    /** The floor a read of {@code key} invoked now must reach. */
    public long onReadInvoked(int key) {
        return Math.max(writesAckedFloor[key], readsCompletedFloor[key]);
    }

    public void onReadCompleted(int client, int node, int key, long floor, long version) {
        localReadsCount++;
        if (version < floor) {
            throw new CheckFailure("stale local read: client " + client + " read key " + key
                    + " at version " + version + " at node " + node + ", but a write or read of"
                    + " it completed before the read was invoked requires at least " + floor);
        }
        readsCompletedFloor[key] = Math.max(readsCompletedFloor[key], version);
    }

    public long localReadsCount() {
        return localReadsCount;
    }
}
