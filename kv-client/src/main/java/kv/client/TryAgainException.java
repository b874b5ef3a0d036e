package kv.client;

/** -TRYAGAIN: election in progress; retried with backoff, reported when retries run out. */
public class TryAgainException extends KvException {
    public TryAgainException(String message) {
        super("TRYAGAIN", message);
    }

    public TryAgainException(String message, Throwable cause) {
        super("TRYAGAIN", message, cause);
    }
}
