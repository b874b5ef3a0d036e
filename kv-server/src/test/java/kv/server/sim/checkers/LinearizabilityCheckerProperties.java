package kv.server.sim.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import kv.server.sim.checkers.LinearizabilityChecker.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The search agrees with the definition on small random histories: a brute-force reference
 * tries every subset of the unknown writes and every order that respects real time (a before b
 * when a responded before b was invoked), and accepts when one of them is a legal register
 * history (Herlihy and Wing 1990). Ties count as overlapping, as in the checker.
 */
class LinearizabilityCheckerProperties {
    private static final int OPS_COUNT_MAX = 7;

    /** A generated op: a write of a fresh value, or a read of write #readOf's (0: initial). */
    record Spec(boolean write, int readOf, long invoke, long duration, boolean unknown) {}

    @Provide
    Arbitrary<List<Spec>> histories() {
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(0, OPS_COUNT_MAX),
                Arbitraries.longs().between(0, 20), Arbitraries.longs().between(0, 8),
                Arbitraries.integers().between(0, 4).map(i -> i == 0))
                .as(Spec::new);
        return spec.list().ofMinSize(1).ofMaxSize(OPS_COUNT_MAX);
    }

    @Property(tries = 3000)
    void searchAgreesWithBruteForce(@ForAll("histories") List<Spec> specs) {
        List<RegisterOp> ops = build(specs);
        boolean expected = bruteForce(ops);
        Verdict verdict = LinearizabilityChecker.check(ops, 0, 1_000_000).verdict();
        assertThat(verdict).as("%s", ops)
                .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
    }

    private static List<RegisterOp> build(List<Spec> specs) {
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).write()) written.add(100L + i);
        }
        List<RegisterOp> ops = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            long value = s.write() ? 100L + i
                    : s.readOf() == 0 || written.isEmpty() ? 0
                    : written.get((s.readOf() - 1) % written.size());
            long response = s.unknown() ? RegisterOp.UNKNOWN : s.invoke() + s.duration();
            ops.add(new RegisterOp(i, i, s.write(), value, s.invoke(), response, s.invoke(),
                    response, "gen"));
        }
        return ops;
    }

    /** Every subset of unknown writes, every real-time-respecting order, one legal suffices. */
    static boolean bruteForce(List<RegisterOp> all) {
        List<RegisterOp> known = new ArrayList<>();
        List<RegisterOp> unknownWrites = new ArrayList<>();
        for (RegisterOp op : all) {
            if (op.completed()) known.add(op);
            else if (op.write()) unknownWrites.add(op);
        }
        for (int mask = 0; mask < 1 << unknownWrites.size(); mask++) {
            List<RegisterOp> chosen = new ArrayList<>(known);
            for (int i = 0; i < unknownWrites.size(); i++) {
                if ((mask & (1 << i)) != 0) chosen.add(unknownWrites.get(i));
            }
            if (order(chosen, new boolean[chosen.size()], 0, 0)) return true;
        }
        return false;
    }

    private static boolean order(List<RegisterOp> ops, boolean[] placed, int count, long state) {
        if (count == ops.size()) return true;
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !minimal(ops, placed, i)) continue;
            RegisterOp op = ops.get(i);
            if (!op.write() && op.value() != state) continue;
            placed[i] = true;
            if (order(ops, placed, count + 1, op.write() ? op.value() : state)) return true;
            placed[i] = false;
        }
        return false;
    }

    /** No unplaced op responded before op i was invoked. */
    private static boolean minimal(List<RegisterOp> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (!placed[j] && j != i && ops.get(j).response() < ops.get(i).invoke()) {
                return false;
            }
        }
        return true;
    }
}
