package kv.server.statemachine;

/**
 * Thrown by a non-blocking {@link StateReader} when answering would need disk I/O; the caller
 * retries on a thread that may block. Preallocated and stackless: it is control flow.
 */
public final class WouldBlock extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final WouldBlock INSTANCE = new WouldBlock();

    private WouldBlock() {
        super("read needs disk I/O", null, false, false);
    }
}
