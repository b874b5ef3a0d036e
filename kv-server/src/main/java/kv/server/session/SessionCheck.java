package kv.server.session;

/** What the session table says about an incoming (clientId, sequence). */
public enum SessionCheck {
    /** Not seen: apply it, then {@link SessionTable#record}. */
    NEW,
    /** The last sequence again (a retry): answer with {@link SessionTable#lastResult}. */
    DUPLICATE,
    /** Older than the last sequence: the client already has its answer; apply nothing. */
    STALE,
    /** The session expired or was evicted and this is not a session start: reject. */
    EXPIRED
}
