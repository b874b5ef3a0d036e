package kv.server.sim.checkers;

/**
 * One operation on one register (key) as a client saw it: a write of a value unique in the run,
 * or a read and the value it returned. {@code invoke} and {@code response} are stamps of one
 * run-wide counter taken as the client sends and as it receives the answer, so real-time order
 * is exact (no ties between events the simulator processed one after the other);
 * {@code response == UNKNOWN} for an operation whose outcome the client never learned (a write
 * that timed out may or may not have happened). The microsecond times only label reports.
 */
public record RegisterOp(
        int id,
        int client,
        boolean write,
        long value,
        long invoke,
        long response,
        long invokeMicros,
        long responseMicros,
        String path) {

    /** The response stamp of an operation whose outcome is unknown. */
    public static final long UNKNOWN = Long.MAX_VALUE;

    public boolean completed() {
        return response != UNKNOWN;
    }

    @Override
    public String toString() {
        String what = write ? "write " + value : "read -> " + value;
        String end = completed() ? String.format("%.1f", responseMicros / 1000.0) : "?";
        return "op " + id + " client " + client + " " + what + " (" + path + ") ["
                + String.format("%.1f", invokeMicros / 1000.0) + " ms, " + end + " ms]";
    }
}
