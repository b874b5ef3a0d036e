package kv.server;

/**
 * The node's data does not fit this build or this config, and starting would misread it: the
 * message says what is wrong and what to do. The server prints it and exits without serving.
 */
public final class StartRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartRefused(String message) {
        super(message);
    }
}
