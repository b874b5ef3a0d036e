package kv.server.sim.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import kv.server.sim.checkers.LinearizabilityChecker.Result;
import kv.server.sim.checkers.LinearizabilityChecker.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Hand-written register histories with known answers (Herlihy and Wing 1990, section 2: a
 * history is linearizable when its operations can be ordered, each at a point between its
 * invocation and its response, into a legal sequential history). Times are stamps; 0 is the
 * register's initial value; U marks a write whose outcome the client never learned.
 */
class LinearizabilityCheckerTest {
    private static final long STEPS_MAX = 100_000;
    private static final long U = RegisterOp.UNKNOWN;

    private final List<RegisterOp> ops = new ArrayList<>();

    private void write(int client, long value, long invoke, long response) {
        ops.add(new RegisterOp(ops.size(), client, true, value, invoke, response, invoke,
                response, "test"));
    }

    private void read(int client, long value, long invoke, long response) {
        ops.add(new RegisterOp(ops.size(), client, false, value, invoke, response, invoke,
                response, "test"));
    }

    private Result check() {
        return LinearizabilityChecker.check(ops, 0, STEPS_MAX);
    }

    @Test
    void sequentialWritesAndReadsAreLinearizable() {
        write(1, 10, 0, 1);
        read(2, 10, 2, 3);
        write(1, 20, 4, 5);
        read(2, 20, 6, 7);
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void staleReadAfterACompletedWriteIsAViolation() {
        // The classic stale read: w(20) completed before the read was invoked, yet it sees 10.
        write(1, 10, 0, 1);
        write(1, 20, 2, 3);
        read(2, 10, 4, 5);
        Result result = check();
        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.detail()).contains("op 2 client 2 read -> 10");
    }

    @Test
    void readOfTheInitialValueAfterACompletedWriteIsAViolation() {
        write(1, 10, 0, 1);
        read(2, 0, 2, 3);
        assertThat(check().verdict()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void readsOverlappingAWriteMaySeeEitherValue() {
        write(1, 10, 0, 1);
        write(1, 20, 2, 9);
        read(2, 10, 3, 4);
        read(3, 20, 3, 5);
        read(2, 20, 6, 7);
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void newThenOldReadDuringOneWriteIsAViolation() {
        // Once a read returned the new value, a read invoked after it may not return the old.
        write(1, 10, 0, 1);
        write(1, 20, 2, 9);
        read(2, 20, 3, 4);
        read(3, 10, 5, 6);
        assertThat(check().verdict()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void concurrentWritesNeedBacktracking() {
        // The search first tries w(10) then w(20) and must undo that for the reads of 10.
        write(1, 10, 0, 10);
        write(2, 20, 0, 10);
        read(3, 10, 11, 12);
        read(3, 10, 13, 14);
        Result result = check();
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        read(3, 20, 15, 16);
        assertThat(check().verdict()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void unknownWriteMayTakeEffectLate() {
        // A timed-out write may take effect at any time after its invocation, even long after
        // the client gave up: an old value first and the unknown write's value later is fine.
        write(1, 10, 0, 1);
        write(1, 20, 2, U);
        read(2, 10, 3, 4);
        read(2, 10, 5, 6);
        read(3, 20, 7, 8);
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void unknownWriteMayNeverTakeEffect() {
        write(1, 10, 0, 1);
        write(1, 20, 2, U);
        read(2, 10, 3, 4);
        read(2, 10, 50, 51);
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void unknownWriteTakesEffectOnceOnly() {
        // Once a read saw the unknown write, it happened: a later read of the older value is
        // stale.
        write(1, 10, 0, 1);
        write(1, 20, 2, U);
        read(2, 20, 3, 4);
        read(3, 10, 5, 6);
        assertThat(check().verdict()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void unknownWriteCannotTakeEffectBeforeItsInvocation() {
        write(1, 10, 0, 1);
        read(2, 20, 2, 3);
        write(1, 20, 4, U);
        Result result = check();
        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.detail()).contains("before its write was invoked");
    }

    @Test
    void readOfAValueNobodyWroteIsAViolation() {
        write(1, 10, 0, 1);
        read(2, 30, 2, 3);
        assertThat(check().detail()).contains("nobody wrote");
    }

    @Test
    void readsWithoutAnAnswerConstrainNothing() {
        write(1, 10, 0, 1);
        read(2, 99, 2, U);
        read(2, 10, 3, 4);
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void searchBudgetSpentIsUnknownNotAPass() {
        // Many overlapping writes and a read of the first value at the end: the search must try
        // many orders; with a budget of a few steps it cannot decide.
        for (int i = 1; i <= 12; i++) write(i, i * 10L, 0, 100);
        read(20, 10, 101, 102);
        Result tight = LinearizabilityChecker.check(ops, 0, 20);
        assertThat(tight.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(tight.detail()).contains("search budget");
        assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void memoFullIsUnknownNotAPass() {
        for (int i = 1; i <= 12; i++) write(i, i * 10L, 0, 100);
        read(20, 10, 101, 102);
        Result tight = LinearizabilityChecker.check(ops, 0, STEPS_MAX, 1_000);
        assertThat(tight.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(tight.detail()).contains("memoized configurations");
    }

    @Test
    void longSequentialHistoryIsDecidedInLinearSteps() {
        // Memoization keeps a long but mostly sequential history cheap: steps grow with the
        // number of ops times the overlap, not exponentially.
        long t = 0;
        for (int i = 1; i <= 2_000; i++) {
            write(1, i, t, t + 3);
            read(2, i - 1, t + 1, t + 2);
            read(3, i, t + 4, t + 5);
            t += 6;
        }
        Result result = check();
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.steps()).isLessThan(20L * ops.size());
    }
}
