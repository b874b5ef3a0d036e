package kv.server.sim.checkers;

/** A checker found a violated property; the simulator stops and reports the seed. */
public final class CheckFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckFailure(String message) {
        super(message, null, false, false);
    }
}
