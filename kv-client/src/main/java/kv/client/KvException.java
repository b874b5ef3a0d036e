package kv.client;

/**
 * Base of every error kv-client reports. A subclass per server error code and per client-side
 * condition, so callers can catch what they handle. {@link #code()} is the RESP error code
 * ("ERR", "CLUSTERDOWN", ...) or a client-side label ("TIMEOUT", "CONNECTION").
 */
public class KvException extends RuntimeException {
    private final String code;

    public KvException(String code, String message) {
        super(message);
        this.code = code;
    }

    public KvException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The error code: the first word of a server error, or a client-side label. */
    public String code() {
        return code;
    }
}
