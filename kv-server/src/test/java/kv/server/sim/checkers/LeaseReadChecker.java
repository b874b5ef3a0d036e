package kv.server.sim.checkers;

/**
 * Linearizability of strong reads served locally under quorum leases, over the whole state as
 * one register whose version is the slot end of the last applied write (a slot that applied at
 * least one new command). Times are simulated: a read is invoked when the client sends it and
 * completes when the client receives the answer; a write completes when its ack arrives.
 *
 * <p>A read must return a version at least the floor taken when it was invoked: the slot end of
 * every write acknowledged before, and the version of every read completed before (a read that
 * saw a write fixes that write before every later read). Reads that time out or are forwarded
 * return nothing and constrain nothing.
 */
public final class LeaseReadChecker {
    private long writesAckedFloor;
    private long readsCompletedFloor;
    private long localReadsCount;

    /** A client acknowledged a write applied first at {@code slot}. */
    public void onWriteAcked(long slot) {
        writesAckedFloor = Math.max(writesAckedFloor, slot + 1);
    }

    /** The floor a read invoked now must reach. */
    public long onReadInvoked() {
        return Math.max(writesAckedFloor, readsCompletedFloor);
    }

    public void onReadCompleted(int client, int node, long floor, long version) {
        localReadsCount++;
        if (version < floor) {
            throw new CheckFailure("stale local read: client " + client + " read version "
                    + version + " at node " + node + ", but a write or read completed before"
                    + " the read was invoked requires at least " + floor);
        }
        readsCompletedFloor = Math.max(readsCompletedFloor, version);
    }

    public long localReadsCount() {
        return localReadsCount;
    }
}
