package kv.client;

/** The server sent bytes that are not valid RESP2, or a reply of an unexpected type. */
public class ProtocolException extends KvException {
    public ProtocolException(String message) {
        super("PROTOCOL", message);
    }

    public ProtocolException(String message, Throwable cause) {
        super("PROTOCOL", message, cause);
    }
}
