package kv.server.sim.checkers;

import java.util.ArrayList;
import java.util.List;

/**
 * What the simulated clients did to each register, for the {@link LinearizabilityChecker}:
 * every operation from the moment its client sent it to the moment the client learned its
 * outcome. Stamps come from one counter, so an operation that completed before another was
 * invoked has a smaller response stamp than the other's invocation stamp.
 */
public final class RegisterHistory {
    /**
     * Entries the search may visit per register before it answers UNKNOWN. The simulator's
     * histories (up to a few thousand operations per register) need tens of thousands.
     */
    public static final long SEARCH_STEPS_MAX = 2_000_000;

    /** An operation being recorded; its response is filled in when the client learns it. */
    private static final class Open {
        final int key;
        final int client;
        final boolean write;
        long value;
        final long invoke;
        final long invokeMicros;
        long response = RegisterOp.UNKNOWN;
        long responseMicros;
        String path;
        boolean abandoned;

        Open(int key, int client, boolean write, long value, long invoke, long invokeMicros,
             String path) {
            this.key = key;
            this.client = client;
            this.write = write;
            this.value = value;
            this.invoke = invoke;
            this.invokeMicros = invokeMicros;
            this.path = path;
        }
    }

    /**
     * The outcome over every register: how many were decided, how many operations, and the
     * largest history and search (in ops and steps) for sizing {@link #SEARCH_STEPS_MAX}.
     */
    public record Summary(int historiesCount, int undecidedCount, long opsCount,
                          int historyOpsMax, long stepsMax, int unknownWritesCount,
                          int unknownWritesObservedCount) {}

    private final int keysCount;
    private final ArrayList<Open> ops = new ArrayList<>();
    private long stamp;

    public RegisterHistory(int keysCount) {
        this.keysCount = keysCount;
    }

    /** The client sent an operation; returns its id. */
    public int invoke(int key, int client, boolean write, long value, long nowMicros,
                      String path) {
        ops.add(new Open(key, client, write, value, stamp++, nowMicros, path));
        return ops.size() - 1;
    }

    /** The client learned the outcome: for a read, the value returned. */
    public void complete(int id, long value, long nowMicros, String path) {
        Open op = ops.get(id);
        if (op.response != RegisterOp.UNKNOWN || op.abandoned) {
            throw new IllegalStateException("op " + id + " completed twice");
        }
        if (!op.write) op.value = value;
        op.response = stamp++;
        op.responseMicros = nowMicros;
        op.path = path;
    }

    /** A read the client gave up on: it returned nothing, so it constrains nothing. */
    public void abandon(int id) {
        Open op = ops.get(id);
        if (op.write) throw new IllegalStateException("a write's outcome is never abandoned");
        op.abandoned = true;
    }

    public long opsCount() {
        return ops.size();
    }

    /**
     * Checks every register; throws {@link CheckFailure} at the first that is not
     * linearizable, and counts those the search could not decide within its budget.
     */
    public Summary check(long initialValue, long stepsMax) {
        int undecided = 0;
        int historyOpsMax = 0;
        long stepsMaxSeen = 0;
        int unknownWrites = 0;
        int unknownWritesObserved = 0;
        for (int key = 0; key < keysCount; key++) {
            List<RegisterOp> history = historyOf(key);
            LinearizabilityChecker.Result result =
                    LinearizabilityChecker.check(history, initialValue, stepsMax);
            historyOpsMax = Math.max(historyOpsMax, history.size());
            stepsMaxSeen = Math.max(stepsMaxSeen, result.steps());
            unknownWrites += result.unknownWritesCount();
            unknownWritesObserved += result.unknownWritesObservedCount();
            switch (result.verdict()) {
                case LINEARIZABLE -> { }
                case UNKNOWN -> undecided++;
                case VIOLATION -> throw new CheckFailure("not linearizable: register " + key
                        + " (" + history.size() + " ops), checked after the run (the events"
                        + " below are its last; -Dsim.log=true prints all): " + result.detail());
            }
        }
        return new Summary(keysCount, undecided, ops.size(), historyOpsMax, stepsMaxSeen,
                unknownWrites, unknownWritesObserved);
    }

    private List<RegisterOp> historyOf(int key) {
        ArrayList<RegisterOp> history = new ArrayList<>();
        for (Open op : ops) {
            if (op.key != key || op.abandoned) continue;
            history.add(new RegisterOp(history.size(), op.client, op.write, op.value, op.invoke,
                    op.response, op.invokeMicros, op.responseMicros, op.path));
        }
        return history;
    }
}
