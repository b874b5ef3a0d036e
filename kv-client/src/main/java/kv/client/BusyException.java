package kv.client;

/** -BUSY: the node's inbound queue is full; retried with backoff, reported when retries run out. */
public class BusyException extends KvException {
    public BusyException(String message) {
        super("BUSY", message);
    }

    public BusyException(String message, Throwable cause) {
        super("BUSY", message, cause);
    }
}
