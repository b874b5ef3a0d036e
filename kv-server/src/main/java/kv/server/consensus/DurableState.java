package kv.server.consensus;

import java.util.List;

/**
 * What a replica restarts from: the promised ballot, the accepted entries at and above
 * {@code snapshotBelow} (sorted by slot, latest write per slot), the chosen prefix, and the
 * applied prefix of the restored state machine ({@code appliedBelow >= snapshotBelow}: slots
 * below it are already reflected in the state machine the driver restored).
 */
public record DurableState(long promisedBallot, long chosenBelow, long snapshotBelow,
                           long appliedBelow, int membersMask, List<Entry> entries) {
    public static DurableState empty(int membersMask) {
        return new DurableState(Ballots.NONE, 0, 0, 0, membersMask, List.of());
    }
}
