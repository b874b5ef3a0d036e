package kv.client;

/**
 * -UNAVAILABLE: an eventual read or write did not reach its consistency level in time. A write
 * stays applied where it landed and spreads later; not retried: retry yourself, or use a lower
 * {@link Consistency}.
 */
public class UnavailableException extends KvException {
    public UnavailableException(String message) {
        super("UNAVAILABLE", message);
    }
}
