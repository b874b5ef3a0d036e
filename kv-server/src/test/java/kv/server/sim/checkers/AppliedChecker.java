package kv.server.sim.checkers;

import java.util.HashMap;
import kv.server.consensus.Entry;
import kv.server.consensus.Value;

/**
 * Every replica applies a prefix of one sequence (Paxos Made Live, section 4: the replicated
 * log; Paxos Made Simple, section 3: learned values are applied in order): each applied entry
 * is the value chosen at its slot, slots come in order without gaps, and the state-machine
 * digest after a slot is the same on every replica, including one that installed a snapshot.
 */
public final class AppliedChecker {
    private final AgreementChecker agreement;
    private final long[] appliedBelow;
    private final HashMap<Long, Long> digestBelow = new HashMap<>();

    public AppliedChecker(AgreementChecker agreement, int nodesCount) {
        this.agreement = agreement;
        this.appliedBelow = new long[nodesCount];
    }

    /** Restart or snapshot install: the node's state machine now stands at {@code slot}. */
    public void onRestored(int node, long slot, long digest) {
        appliedBelow[node] = slot;
        checkDigest(node, slot, digest);
    }

    public void onApplied(int node, Entry entry) {
        if (entry.slot() != appliedBelow[node]) {
            throw new CheckFailure("node " + node + " applied slot " + entry.slot()
                    + " but its next slot is " + appliedBelow[node]);
        }
        Value chosen = agreement.chosen(entry.slot());
        if (chosen == null) {
            throw new CheckFailure("node " + node + " applied slot " + entry.slot()
                    + " which no majority accepted: " + entry.value());
        }
        if (!chosen.sameAs(entry.value())) {
            throw new CheckFailure("node " + node + " applied " + entry.value() + " at slot "
                    + entry.slot() + " but " + chosen + " was chosen");
        }
        appliedBelow[node] = entry.slot() + 1;
    }

    /** After applying through {@code slot - 1}, the digest must match every other replica's. */
    public void checkDigest(int node, long slot, long digest) {
        Long known = digestBelow.putIfAbsent(slot, digest);
        if (known != null && known != digest) {
            throw new CheckFailure("node " + node + " state after slots below " + slot
                    + " differs from another replica's");
        }
    }

    public long appliedBelow(int node) {
        return appliedBelow[node];
    }
}
