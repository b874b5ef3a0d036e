package kv.client;

/** -EXECABORT: a transaction was discarded because a queued command was rejected. */
public class ExecAbortException extends KvException {
    public ExecAbortException(String message) {
        super("EXECABORT", message);
    }

    public ExecAbortException(String message, Throwable cause) {
        super("EXECABORT", message, cause);
    }
}
