package kv.server.sim.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An undecided history is not a pass: too many of them fail the run and name a seed. */
class UndecidedTallyTest {
    @Test
    void fewUndecidedHistoriesPass() {
        UndecidedTally tally = new UndecidedTally();
        tally.add(7, 1_000, 0);
        tally.add(8, 1_000, 20);
        assertThat(tally.failure()).isNull();
    }

    @Test
    void tooManyUndecidedHistoriesFailTheRunAndNameTheFirstSeed() {
        UndecidedTally tally = new UndecidedTally();
        tally.add(9, 100, 1);
        tally.add(5, 100, 2);
        tally.add(6, 100, 1);
        assertThat(tally.failure()).contains("4 of 300").contains("seed 5");
    }

    @Test
    void aBudgetTooSmallForTheSimulatorsHistoriesFailsTheRun() {
        // End to end: a checker starved of steps answers UNKNOWN, and the tally turns that
        // into a failed run instead of a silent pass.
        UndecidedTally tally = new UndecidedTally();
        java.util.List<RegisterOp> ops = new java.util.ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            ops.add(new RegisterOp(i - 1, i, true, i, 0, 100, 0, 100, "test"));
        }
        ops.add(new RegisterOp(8, 9, false, 1, 101, 102, 101, 102, "test"));
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(ops, 0, 5);
        assertThat(result.verdict()).isEqualTo(LinearizabilityChecker.Verdict.UNKNOWN);
        tally.add(1, 1, 1);
        assertThat(tally.failure()).isNotNull();
    }
}
