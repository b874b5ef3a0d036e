package kv.server.consensus;

/** One slot of the log as an acceptor stores it: the value accepted and the ballot it came in. */
public record Entry(long slot, long ballot, Value value) {
    @Override
    public String toString() {
        return slot + "@" + Ballots.toString(ballot) + "=" + value;
    }
}
