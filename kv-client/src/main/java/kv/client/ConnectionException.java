package kv.client;

/** No connection could be made, or the connection closed before the reply arrived. */
public class ConnectionException extends KvException {
    public ConnectionException(String message) {
        super("CONNECTION", message);
    }

    public ConnectionException(String message, Throwable cause) {
        super("CONNECTION", message, cause);
    }
}
