package kv.client;

/** What a call does when its connection's in-flight bound (count or bytes) is reached. */
public enum WhenFull {
    /** The calling thread waits for room until the call's deadline (never on an I/O thread). */
    WAIT,
    /** The call fails at once with {@link PipelineFullException}; nothing was sent. */
    FAIL_FAST
}
