package kv.client;

/** -WRONGTYPE: the key holds another type; not retried. */
public class WrongTypeException extends KvException {
    public WrongTypeException(String message) {
        super("WRONGTYPE", message);
    }

    public WrongTypeException(String message, Throwable cause) {
        super("WRONGTYPE", message, cause);
    }
}
