package kv.client;

/** The call's deadline passed before a reply (reads; writes report UnknownOutcomeException). */
public class KvTimeoutException extends KvException {
    public KvTimeoutException(String message) {
        super("TIMEOUT", message);
    }

    public KvTimeoutException(String message, Throwable cause) {
        super("TIMEOUT", message, cause);
    }
}
