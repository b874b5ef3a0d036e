package kv.server.sim;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import kv.server.sim.checkers.UndecidedTally;

/**
 * Runs a range of seeds on every core (each seed is one single-threaded, deterministic
 * simulation; nothing is shared between them but these counters) and reports the lowest
 * failing seed, the same one whatever the thread timing: once a seed fails, seeds above it
 * are skipped but every seed below it still runs.
 */
final class SeedRunner {
    /** Totals over the seeds that ran, and the lowest failure (null if none). */
    static final class Outcome {
        int seedsRun;
        long acked;
        long chosen;
        long crashes;
        long corruptions;
        long snapshots;
        long localReads;
        long holderSets;
        long ops;
        int historyOpsMax;
        long searchStepsMax;
        long unknownWrites;
        long unknownWritesObserved;
        double seconds;
        /** CPU time of the simulation threads: wall time on an idle machine is this / cores. */
        double cpuSeconds;
        final UndecidedTally undecided = new UndecidedTally();
        /** The lowest failing seed's result, or null; its index from the first seed. */
        SimResult failure;
        int failureIndex = -1;

        String summary(String name) {
            return String.format("sim %s: %d seeds in %.1f s on %d threads, %.1f s CPU;"
                            + " acked=%d chosenSlots=%d crashes=%d corruptReadsDetected=%d"
                            + " snapshotsInstalled=%d localReads=%d leaseHolderSetsApplied=%d"
                            + " linearizability: %d ops in"
                            + " %d register histories (largest %d ops, longest search %d steps"
                            + " of %d allowed), %d undecided; %d writes of unknown outcome, %d"
                            + " of them seen by a read",
                    name, seedsRun, seconds, threads(), cpuSeconds, acked, chosen,
                    crashes, corruptions, snapshots, localReads, holderSets, ops,
                    undecided.historiesCount(), historyOpsMax, searchStepsMax,
                    kv.server.sim.checkers.RegisterHistory.SEARCH_STEPS_MAX,
                    undecided.undecidedCount(), unknownWrites, unknownWritesObserved);
        }

        private synchronized void add(int index, SimResult result) {
            seedsRun++;
            acked += result.commandsAckedCount();
            chosen += result.slotsChosenCount();
            crashes += result.crashesCount();
            corruptions += result.corruptionsDetectedCount();
            snapshots += result.snapshotsInstalledCount();
            localReads += result.localReadsCount();
            holderSets += result.leaseHolderSetsAppliedCount();
            ops += result.opsCount();
            historyOpsMax = Math.max(historyOpsMax, result.historyOpsMax());
            searchStepsMax = Math.max(searchStepsMax, result.searchStepsMax());
            unknownWrites += result.unknownWritesCount();
            unknownWritesObserved += result.unknownWritesObservedCount();
            undecided.add(result.seed(), result.historiesCount(), result.undecidedCount());
            if (!result.passed() && (failureIndex < 0 || index < failureIndex)) {
                failure = result;
                failureIndex = index;
            }
        }

        private synchronized void addCpu(long nanos) {
            cpuSeconds += nanos / 1e9;
        }

        private synchronized boolean beyondFailure(int index) {
            return failureIndex >= 0 && index > failureIndex;
        }
    }

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private SeedRunner() {}

    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Runs seeds {@code base .. base+count-1} through {@code options}; stops past a failure. */
    static Outcome run(long base, int count, LongFunction<SimOptions> options) {
        Outcome outcome = new Outcome();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads());
        try {
            for (int t = 0; t < threads(); t++) {
                pool.execute(() -> {
                    long cpuStart = CPU.getCurrentThreadCpuTime();
                    for (int i = next.getAndIncrement(); i < count && !outcome.beyondFailure(i);
                         i = next.getAndIncrement()) {
                        outcome.add(i, Simulator.run(options.apply(base + i)));
                    }
                    outcome.addCpu(CPU.getCurrentThreadCpuTime() - cpuStart);
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("seeds still running after an hour");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        outcome.seconds = (System.nanoTime() - started) / 1e9;
        return outcome;
    }
}
