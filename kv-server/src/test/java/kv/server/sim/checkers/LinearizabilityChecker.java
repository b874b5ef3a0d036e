package kv.server.sim.checkers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

/**
 * Linearizability of one register's history (Herlihy and Wing 1990), decided by the search of
 * Wing and Gong (1993) with Lowe's memoization ("Testing for linearizability", 2017): walk the
 * call and return entries in real-time order; at a call, linearize that operation if the
 * register allows it and (operations linearized, register value) is new, and start over from
 * the first entry left; at a return whose operation is not linearized yet, undo the latest
 * choice. The history is linearizable when every entry has been consumed.
 *
 * <p>Operations of unknown outcome (Jepsen's "may or may not have happened"): a read returned
 * nothing and constrains nothing, so it is dropped. A write may take effect at any time after its
 * invocation, or never. Values are unique, so if no read returned its value, "never" is always a
 * valid choice (leaving it out of a linearization leaves every read as it was) and it is
 * dropped. Otherwise it must take effect before every read of its value: it gets the earliest
 * response of those reads as its own, which admits exactly the same linearizations and keeps the
 * search small.
 *
 * <p>The search is bounded: past {@code stepsMax} entries visited the verdict is
 * {@link Verdict#UNKNOWN}, which callers count and limit, never a silent pass.
 */
public final class LinearizabilityChecker {
    public enum Verdict { LINEARIZABLE, VIOLATION, UNKNOWN }

    /**
     * The verdict, the entries the search visited, the writes of unknown outcome (and how many
     * of those a read observed, so they had to be placed) and, for a violation, why.
     */
    public record Result(Verdict verdict, long steps, int opsCount, int unknownWritesCount,
                         int unknownWritesObservedCount, String detail) {}

    /**
     * Memory the memo of explored configurations may take (each holds a bit per op): a long
     * history that spends its whole step budget could otherwise exhaust the heap before it is
     * declared UNKNOWN. 256 MiB holds 2M configurations of a 1,000-op history.
     */
    public static final long EXPLORED_SIZE_BYTES_MAX = 256L << 20;

    /** Ops shown around the one that could not be linearized in a violation report. */
    private static final int REPORT_WRITES_BEFORE_COUNT = 4;

    private LinearizabilityChecker() {}

    /**
     * Checks the history of one register that starts at {@code initialValue}. Written values
     * must be unique and differ from the initial value.
     */
    public static Result check(List<RegisterOp> history, long initialValue, long stepsMax) {
        return check(history, initialValue, stepsMax, EXPLORED_SIZE_BYTES_MAX);
    }

    /** As above, with the memo limited to {@code exploredSizeBytesMax}. */
    public static Result check(List<RegisterOp> history, long initialValue, long stepsMax,
                               long exploredSizeBytesMax) {
        HashMap<Long, RegisterOp> writerOf = new HashMap<>();
        HashMap<Long, Long> firstReadResponse = new HashMap<>();
        for (RegisterOp op : history) {
            if (op.write()) {
                if (op.value() == initialValue || writerOf.put(op.value(), op) != null) {
                    throw new IllegalArgumentException("written value not unique: " + op);
                }
            } else if (op.completed()) {
                firstReadResponse.merge(op.value(), op.response(), Math::min);
            }
        }
        ArrayList<RegisterOp> ops = new ArrayList<>();
        int unknownWrites = 0;
        int unknownWritesObserved = 0;
        for (RegisterOp op : history) {
            if (!op.write()) {
                if (!op.completed()) continue; // returned nothing: constrains nothing
                if (op.value() == initialValue) {
                    ops.add(op);
                    continue;
                }
                RegisterOp writer = writerOf.get(op.value());
                if (writer == null) {
                    return violation(0, history, "read returned a value nobody wrote: " + op);
                }
                if (writer.invoke() > op.response()) {
                    return violation(0, history, "read returned a value before its write was"
                            + " invoked: " + op + " read what " + writer + " wrote");
                }
                ops.add(op);
            } else if (op.completed()) {
                ops.add(op);
            } else {
                unknownWrites++;
                Long readBy = firstReadResponse.get(op.value());
                if (readBy == null) continue; // never observed: may never have happened
                unknownWritesObserved++;
                ops.add(new RegisterOp(op.id(), op.client(), true, op.value(), op.invoke(),
                        readBy, op.invokeMicros(), op.responseMicros(), op.path() + ", unknown"));
            }
        }
        Result result = new Search(ops, initialValue, stepsMax, exploredSizeBytesMax).run();
        return new Result(result.verdict(), result.steps(), result.opsCount(), unknownWrites,
                unknownWritesObserved, result.detail());
    }

    private static Result violation(long steps, List<RegisterOp> ops, String detail) {
        return new Result(Verdict.VIOLATION, steps, ops.size(), 0, 0, detail);
    }

    /** The search state: entries in a doubly linked list that lift and unlift in LIFO order. */
    private static final class Search {
        private final List<RegisterOp> ops;
        private final long initialValue;
        private final long stepsMax;
        /** Configurations the memo may hold within its byte limit. */
        private final long exploredCountMax;
        private final int head;
        private final int tail;
        private final int[] entryOp;
        private final boolean[] entryCall;
        private final int[] next;
        private final int[] previous;
        private final int[] callEntry;
        private final int[] returnEntry;
        private final long[] linearized;
        private final HashSet<Explored> explored = new HashSet<>();
        /** The deepest the search got, and the op whose response stopped it there. */
        private int depthBest = -1;
        private int blockedOp = -1;
        private long stateAtBest;

        Search(List<RegisterOp> ops, long initialValue, long stepsMax,
               long exploredSizeBytesMax) {
            this.ops = ops;
            this.initialValue = initialValue;
            this.stepsMax = stepsMax;
            int n = ops.size();
            // A configuration costs its bit set, the state and about 64 bytes of set entry,
            // record and array headers.
            this.exploredCountMax = exploredSizeBytesMax / (8L * ((n + 63) / 64) + 8 + 64);
            Integer[] order = new Integer[2 * n];
            for (int e = 0; e < 2 * n; e++) order[e] = e;
            // Entry 2i is op i's call, 2i+1 its return; sort by stamp, calls first on a tie (an
            // unknown write that inherited a read's response stamp keeps its call before it).
            Arrays.sort(order, (a, b) -> {
                long ta = stamp(a);
                long tb = stamp(b);
                if (ta != tb) return Long.compare(ta, tb);
                if ((a & 1) != (b & 1)) return Integer.compare(a & 1, b & 1);
                return Integer.compare(a, b);
            });
            head = 2 * n;
            tail = 2 * n + 1;
            entryOp = new int[2 * n];
            entryCall = new boolean[2 * n];
            next = new int[2 * n + 2];
            previous = new int[2 * n + 2];
            callEntry = new int[n];
            returnEntry = new int[n];
            int last = head;
            for (int e = 0; e < 2 * n; e++) {
                int raw = order[e];
                int op = raw >> 1;
                entryOp[e] = op;
                entryCall[e] = (raw & 1) == 0;
                if (entryCall[e]) callEntry[op] = e;
                else returnEntry[op] = e;
                next[last] = e;
                previous[e] = last;
                last = e;
            }
            next[last] = tail;
            previous[tail] = last;
            linearized = new long[(n + 63) / 64];
        }

        private long stamp(int raw) {
            RegisterOp op = ops.get(raw >> 1);
            return (raw & 1) == 0 ? op.invoke() : op.response();
        }

        Result run() {
            int n = ops.size();
            int[] stackOp = new int[n];
            long[] stackState = new long[n];
            int depth = 0;
            long state = initialValue;
            long steps = 0;
            int e = next[head];
            while (e != tail) {
                if (++steps > stepsMax || explored.size() > exploredCountMax) {
                    return new Result(Verdict.UNKNOWN, steps, n, 0, 0, "search budget of "
                            + stepsMax + " steps or " + exploredCountMax + " memoized"
                            + " configurations spent with " + depthBest + " of " + n
                            + " ops linearized");
                }
                int op = entryOp[e];
                if (entryCall[e]) {
                    RegisterOp o = ops.get(op);
                    if (o.write() || o.value() == state) {
                        long after = o.write() ? o.value() : state;
                        set(op);
                        if (explored.add(new Explored(linearized.clone(), after))) {
                            stackOp[depth] = op;
                            stackState[depth] = state;
                            depth++;
                            state = after;
                            lift(op);
                            e = next[head];
                            continue;
                        }
                        clear(op);
                    }
                    e = next[e];
                    continue;
                }
                if (depth >= depthBest) {
                    depthBest = depth;
                    blockedOp = op;
                    stateAtBest = state;
                }
                if (depth == 0) return new Result(Verdict.VIOLATION, steps, n, 0, 0, describe());
                depth--;
                int top = stackOp[depth];
                state = stackState[depth];
                clear(top);
                unlift(top);
                e = next[callEntry[top]];
            }
            return new Result(Verdict.LINEARIZABLE, steps, n, 0, 0, "");
        }

        private void lift(int op) {
            remove(callEntry[op]);
            remove(returnEntry[op]);
        }

        private void unlift(int op) {
            restore(returnEntry[op]);
            restore(callEntry[op]);
        }

        private void remove(int e) {
            next[previous[e]] = next[e];
            previous[next[e]] = previous[e];
        }

        private void restore(int e) {
            next[previous[e]] = e;
            previous[next[e]] = e;
        }

        private void set(int op) {
            linearized[op >> 6] |= 1L << op;
        }

        private void clear(int op) {
            linearized[op >> 6] &= ~(1L << op);
        }

        /** The op that could not be linearized, what overlapped it and the writes before it. */
        private String describe() {
            RegisterOp blocked = ops.get(blockedOp);
            StringBuilder out = new StringBuilder("no linearization: at best " + depthBest
                    + " of " + ops.size() + " ops linearized, with the register at "
                    + stateAtBest + ", and then " + blocked + " could not be");
            ArrayList<RegisterOp> writesBefore = new ArrayList<>();
            for (RegisterOp op : ops) {
                if (op.write() && op.response() < blocked.invoke()) writesBefore.add(op);
            }
            int from = Math.max(0, writesBefore.size() - REPORT_WRITES_BEFORE_COUNT);
            out.append("\n    writes completed before it:");
            for (RegisterOp op : writesBefore.subList(from, writesBefore.size())) {
                out.append("\n      ").append(op);
            }
            out.append("\n    ops overlapping it:");
            int overlapping = 0;
            for (RegisterOp op : ops) {
                if (op != blocked && op.invoke() < blocked.response()
                        && op.response() > blocked.invoke()) {
                    out.append("\n      ").append(op);
                    overlapping++;
                }
            }
            if (overlapping == 0) out.append(" none");
            return out.toString();
        }
    }

    /** A memoized configuration: which ops are linearized and the register's value then. */
    private record Explored(long[] linearized, long state) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Explored e && e.state == state
                    && Arrays.equals(e.linearized, linearized);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(linearized) * 31 + Long.hashCode(state);
        }
    }
}
