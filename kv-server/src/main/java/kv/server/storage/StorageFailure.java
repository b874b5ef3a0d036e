package kv.server.storage;

/**
 * A write or fsync failed, or a record failed its checksum. Never retried: the node halts so that
 * it never acknowledges a write that may not be durable (STYLE.md section 6).
 */
public final class StorageFailure extends Error {
    private static final long serialVersionUID = 1L;

    public StorageFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
