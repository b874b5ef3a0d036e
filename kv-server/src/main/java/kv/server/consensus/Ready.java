package kv.server.consensus;

import java.util.List;

/**
 * Work the driver must do, in this order (etcd-io/raft {@code Ready}):
 * <ol>
 *   <li>persist: if {@link #durableStateChanged()}, the scalars; then {@link #entriesToPersist()}
 *       in order (a later write of a slot replaces an earlier one), all in one synced write;
 *   <li>send {@link #messagesToSend()}, only after that write is durable;
 *   <li>install {@link #snapshotToInstall()} if present (then {@link #entriesToApply()} is empty);
 *   <li>apply {@link #entriesToApply()} in order: slots are contiguous from the applied prefix;
 *   <li>for each peer in {@link #snapshotsToSend()}, call {@link Replica#sendSnapshot};
 *   <li>call {@link Replica#advance(Ready)}.
 * </ol>
 */
public final class Ready {
    private static final int[] NO_PEERS = new int[0];

    final boolean durableStateChanged;
    final long promisedBallot;
    final long chosenBelow;
    final long snapshotBelow;
    final List<Entry> entriesToPersist;
    final List<Message> messagesToSend;
    final List<Entry> entriesToApply;
    final Snapshot snapshotToInstall;
    final int snapshotsToSendMask;

    Ready(boolean durableStateChanged, long promisedBallot, long chosenBelow, long snapshotBelow,
          List<Entry> entriesToPersist, List<Message> messagesToSend, List<Entry> entriesToApply,
          Snapshot snapshotToInstall, int snapshotsToSendMask) {
        this.durableStateChanged = durableStateChanged;
        this.promisedBallot = promisedBallot;
        this.chosenBelow = chosenBelow;
        this.snapshotBelow = snapshotBelow;
        this.entriesToPersist = entriesToPersist;
        this.messagesToSend = messagesToSend;
        this.entriesToApply = entriesToApply;
        this.snapshotToInstall = snapshotToInstall;
        this.snapshotsToSendMask = snapshotsToSendMask;
    }

    public boolean durableStateChanged() {
        return durableStateChanged;
    }

    public long promisedBallot() {
        return promisedBallot;
    }

    public long chosenBelow() {
        return chosenBelow;
    }

    public long snapshotBelow() {
        return snapshotBelow;
    }

    public List<Entry> entriesToPersist() {
        return entriesToPersist;
    }

    public List<Message> messagesToSend() {
        return messagesToSend;
    }

    public List<Entry> entriesToApply() {
        return entriesToApply;
    }

    /** Null when there is none. */
    public Snapshot snapshotToInstall() {
        return snapshotToInstall;
    }

    public int[] snapshotsToSend() {
        if (snapshotsToSendMask == 0) return NO_PEERS;
        int[] peers = new int[Integer.bitCount(snapshotsToSendMask)];
        int count = 0;
        for (int i = 0; i < 32; i++) {
            if ((snapshotsToSendMask & (1 << i)) != 0) peers[count++] = i;
        }
        return peers;
    }

    /** True when a persist is needed before sending. */
    public boolean mustPersist() {
        return durableStateChanged || !entriesToPersist.isEmpty();
    }

    public boolean isEmpty() {
        return !mustPersist() && messagesToSend.isEmpty() && entriesToApply.isEmpty()
                && snapshotToInstall == null && snapshotsToSendMask == 0;
    }
}
