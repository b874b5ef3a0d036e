package kv.client;

/** -CLUSTERDOWN: no quorum reachable, the write was not applied; retried, reported when retries run out. */
public class NoQuorumException extends KvException {
    public NoQuorumException(String message) {
        super("CLUSTERDOWN", message);
    }

    public NoQuorumException(String message, Throwable cause) {
        super("CLUSTERDOWN", message, cause);
    }
}
