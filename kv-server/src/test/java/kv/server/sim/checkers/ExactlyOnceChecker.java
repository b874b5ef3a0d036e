package kv.server.sim.checkers;

import java.util.HashMap;
import kv.server.consensus.Value;
import kv.server.session.ClientCommand;

/**
 * Exactly once: a command (clientId, sequence) takes effect at one place in the chosen log
 * however often clients retried it, and every acknowledged command is in the chosen log,
 * answered with the result of that one application.
 */
public final class ExactlyOnceChecker {
    private final AgreementChecker agreement;
    /** (clientId, sequence) -> slot * 2^20 + index of its one application. */
    private final HashMap<Long, HashMap<Long, Long>> appliedAt = new HashMap<>();
    private long ackedCount;

    public ExactlyOnceChecker(AgreementChecker agreement) {
        this.agreement = agreement;
    }

    public void onAppliedNew(int node, long clientId, long sequence, long slot, int index) {
        long at = slot * (1L << 20) + index;
        Long known = appliedAt.computeIfAbsent(clientId, c -> new HashMap<>())
                .putIfAbsent(sequence, at);
        if (known != null && known != at) {
            throw new CheckFailure("client " + clientId + " sequence " + sequence
                    + " applied twice: at slot " + (known >> 20) + " and at slot " + slot
                    + " (node " + node + ")");
        }
    }

    public void onAcked(long clientId, long sequence, long slot, int index) {
        ackedCount++;
        HashMap<Long, Long> sequences = appliedAt.get(clientId);
        Long at = sequences == null ? null : sequences.get(sequence);
        if (at == null || at != slot * (1L << 20) + index) {
            throw new CheckFailure("client " + clientId + " sequence " + sequence
                    + " acknowledged with slot " + slot + " index " + index
                    + " but applied at " + (at == null ? "nowhere" : "slot " + (at >> 20)));
        }
        Value chosen = agreement.chosen(slot);
        if (chosen == null || index >= chosen.commands().length) {
            throw new CheckFailure("acknowledged command not in the chosen log at slot " + slot);
        }
        byte[] command = chosen.commands()[index];
        if (ClientCommand.clientId(command) != clientId
                || ClientCommand.sequence(command) != sequence) {
            throw new CheckFailure("chosen slot " + slot + " index " + index
                    + " holds another command than the acknowledged one");
        }
    }

    public long ackedCount() {
        return ackedCount;
    }
}
