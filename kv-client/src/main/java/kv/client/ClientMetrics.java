package kv.client;

/**
 * What a {@link KvClient} reports about its calls, for a metrics library to record
 * ({@link MicrometerClientMetrics} binds Micrometer). Called on the client's I/O threads and
 * on callers' threads: implementations must be thread-safe, fast and must not throw.
 */
public interface ClientMetrics {
    /** Records nothing: the default. */
    ClientMetrics NONE = new ClientMetrics() {};

    /** How a call ended; a fixed set, so a metrics tag stays bounded whatever a server says. */
    enum Result {
        OK,
        /** The request was wrong (-ERR, -WRONGTYPE, -LIMIT, a reply of the wrong type, ...). */
        ERROR,
        /** A write that may or may not have been applied ({@link UnknownOutcomeException}). */
        UNKNOWN,
        /** The call's deadline passed ({@link KvTimeoutException}). */
        TIMEOUT,
        /** The cluster could not serve it: no quorum, busy, unreachable, level not reached. */
        UNAVAILABLE;

        static Result of(KvException error) {
            if (error == null) return OK;
            if (error instanceof UnknownOutcomeException) return UNKNOWN;
            if (error instanceof KvTimeoutException) return TIMEOUT;
            if (error instanceof ConnectionException || error instanceof NoQuorumException
                    || error instanceof BusyException || error instanceof TryAgainException
                    || error instanceof UnavailableException || error instanceof PipelineFullException) {
                return UNAVAILABLE;
            }
            return ERROR;
        }
    }

    /**
     * A call finished. {@code latencyNanos} runs from the call to its result, retries and
     * waits for pipeline room included: what the caller waited.
     */
    default void onCall(boolean write, Result result, long latencyNanos) {}

    /** A call failed an attempt and is tried again after a backoff. */
    default void onRetry(boolean write) {}

    /** The client learned of a new leader (an election since it last looked). */
    default void onFailover() {}
}
