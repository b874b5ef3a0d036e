package kv.server;

/**
 * A broken invariant: a bug or corruption. Extends {@link Error} so that {@code catch (Exception)}
 * misses it; the node's uncaught-exception handler halts the process.
 */
public final class InvariantViolation extends Error {
    private static final long serialVersionUID = 1L;

    public InvariantViolation(String message) {
        super(message);
    }
}
