package kv.server.sim.checkers;

import java.util.HashMap;
import java.util.TreeMap;
import kv.server.consensus.Ballots;
import kv.server.consensus.Entry;
import kv.server.consensus.Quorum;
import kv.server.consensus.Value;

/**
 * Agreement (Paxos Made Simple, section 2.1: "only a single value is chosen"), judged from the
 * outside: every acceptance a replica made durable is recorded per (slot, ballot); a value is
 * chosen when a majority durably accepted it in one ballot; two different chosen values for one
 * slot, or two values in one (slot, ballot), fail the run. Lookups only, never iteration over a
 * hash map, so the checker cannot change the trace.
 */
public final class AgreementChecker {
    private static final class Ballot {
        Value value;
        int acceptorsMask;
    }

    private final int membersMask;
    private final HashMap<Long, TreeMap<Long, Ballot>> accepted = new HashMap<>();
    private final HashMap<Long, Value> chosen = new HashMap<>();
    private long chosenBelow;
    private long chosenCount;

    public AgreementChecker(int membersMask) {
        this.membersMask = membersMask;
    }

    /** A replica durably stored this entry (after the sync, before any message left). */
    public void onPersisted(int node, Entry entry) {
        TreeMap<Long, Ballot> ballots =
                accepted.computeIfAbsent(entry.slot(), s -> new TreeMap<>());
        Ballot ballot = ballots.computeIfAbsent(entry.ballot(), b -> new Ballot());
        if (ballot.value == null) {
            ballot.value = entry.value();
        } else if (!ballot.value.sameAs(entry.value())) {
            throw new CheckFailure("slot " + entry.slot() + " ballot "
                    + Ballots.toString(entry.ballot()) + " carries two values: " + ballot.value
                    + " and " + entry.value() + " (node " + node + ")");
        }
        ballot.acceptorsMask |= Quorum.bit(node);
        if (!Quorum.reached(ballot.acceptorsMask, membersMask)) return;
        Value previous = chosen.get(entry.slot());
        if (previous == null) {
            chosen.put(entry.slot(), ballot.value);
            chosenCount++;
            while (chosen.containsKey(chosenBelow)) chosenBelow++;
        } else if (!previous.sameAs(ballot.value)) {
            throw new CheckFailure("agreement violated at slot " + entry.slot() + ": chosen "
                    + previous + " and later " + ballot.value + " in ballot "
                    + Ballots.toString(entry.ballot()));
        }
    }

    /** The value chosen at a slot, or null if none is (yet). */
    public Value chosen(long slot) {
        return chosen.get(slot);
    }

    /** Every slot below is chosen. */
    public long chosenBelow() {
        return chosenBelow;
    }

    public long chosenCount() {
        return chosenCount;
    }
}
