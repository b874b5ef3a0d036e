package kv.client;

/** -LIMIT (or the client's own size check): key, value, arguments or batch over a limit; not retried. */
public class LimitException extends KvException {
    public LimitException(String message) {
        super("LIMIT", message);
    }

    public LimitException(String message, Throwable cause) {
        super("LIMIT", message, cause);
    }
}
