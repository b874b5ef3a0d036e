package kv.client;

/**
 * A write may or may not have been applied: every retry with the same (clientId, sequence) ran
 * out (attempts or deadline) after at least one attempt whose outcome was unknown (timeout,
 * connection lost, -UNKNOWN, -TRYAGAIN). Read the data back to learn the outcome. The cause is
 * the last attempt's error.
 */
public class UnknownOutcomeException extends KvException {
    public UnknownOutcomeException(String message) {
        super("UNKNOWN", message);
    }

    public UnknownOutcomeException(String message, Throwable cause) {
        super("UNKNOWN", message, cause);
    }
}
