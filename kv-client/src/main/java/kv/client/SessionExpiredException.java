package kv.client;

/** -SESSIONEXPIRED: the server forgot the client session; the command was not applied. */
public class SessionExpiredException extends KvException {
    public SessionExpiredException(String message) {
        super("SESSIONEXPIRED", message);
    }

    public SessionExpiredException(String message, Throwable cause) {
        super("SESSIONEXPIRED", message, cause);
    }
}
