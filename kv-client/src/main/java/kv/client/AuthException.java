package kv.client;

/** -NOAUTH / -WRONGPASS: authentication required or refused. */
public class AuthException extends KvException {
    public AuthException(String message) {
        super("AUTH", message);
    }

    public AuthException(String message, Throwable cause) {
        super("AUTH", message, cause);
    }
}
