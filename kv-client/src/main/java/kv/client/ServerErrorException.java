package kv.client;

/** -ERR or an unrecognised code: the request is wrong (unknown command, arity, syntax); fix it, do not retry. */
public class ServerErrorException extends KvException {
    public ServerErrorException(String message) {
        super("ERR", message);
    }

    public ServerErrorException(String message, Throwable cause) {
        super("ERR", message, cause);
    }
}
