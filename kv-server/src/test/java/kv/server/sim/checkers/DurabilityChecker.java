package kv.server.sim.checkers;

import java.util.HashMap;
import kv.server.consensus.Ballots;
import kv.server.consensus.Entry;
import kv.server.consensus.Message;
import kv.server.consensus.Ready;

/**
 * Acceptors answer only from durable state (Paxos Made Simple, section 2.3: "an acceptor must
 * remember this information even if it fails and then restarts"; STYLE.md section 6, rule 2):
 * a Promise for ballot b leaves only when the synced promise is at least b, and an Accepted
 * for a slot only when the synced entry there carries that ballot (or the slot is known chosen
 * and so needs no vote). Checked against what the simulated disk synced, at send time.
 */
public final class DurabilityChecker {
    private final long[] promisedSynced;
    private final HashMap<Long, Long>[] entryBallotSynced;

    @SuppressWarnings("unchecked")
    public DurabilityChecker(int nodesCount) {
        promisedSynced = new long[nodesCount];
        entryBallotSynced = new HashMap[nodesCount];
        for (int i = 0; i < nodesCount; i++) entryBallotSynced[i] = new HashMap<>();
    }

    /** The Ready's durable part reached the platter. */
    public void onSynced(int node, Ready ready) {
        if (ready.durableStateChanged()) promisedSynced[node] = ready.promisedBallot();
        for (Entry entry : ready.entriesToPersist()) {
            entryBallotSynced[node].put(entry.slot(), entry.ballot());
        }
    }

    /** {@code chosen} answers whether the sender knows a slot is chosen. */
    public void onSend(int node, Message message, java.util.function.LongPredicate chosen) {
        switch (message.type()) {
            case PROMISE -> {
                Message.Promise m = (Message.Promise) message;
                if (promisedSynced[node] < m.ballot()) {
                    throw new CheckFailure("node " + node + " sent a promise for ballot "
                            + Ballots.toString(m.ballot()) + " but its durable promise is "
                            + Ballots.toString(promisedSynced[node]));
                }
            }
            case ACCEPTED -> {
                Message.Accepted m = (Message.Accepted) message;
                for (long slot = m.slotFirst(); slot < m.slotEnd(); slot++) {
                    Long ballot = entryBallotSynced[node].get(slot);
                    if ((ballot == null || ballot != m.ballot()) && !chosen.test(slot)) {
                        throw new CheckFailure("node " + node + " acknowledged slot " + slot
                                + " in ballot " + Ballots.toString(m.ballot())
                                + " without a durable entry of that ballot");
                    }
                }
            }
            default -> { }
        }
    }
}
