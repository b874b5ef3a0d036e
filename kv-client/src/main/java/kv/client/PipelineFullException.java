package kv.client;

/** The in-flight bound (count or bytes) was reached and the client is configured to fail fast, or the wait for room reached the deadline. */
public class PipelineFullException extends KvException {
    public PipelineFullException(String message) {
        super("PIPELINE_FULL", message);
    }

    public PipelineFullException(String message, Throwable cause) {
        super("PIPELINE_FULL", message, cause);
    }
}
