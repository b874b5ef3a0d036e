package kv.client;

/**
 * One request on one connection: an attempt of a call, or an internal request (SELECT,
 * SYNOD MEMBERS). Completed exactly once, on the connection's event loop, through its
 * listener: a reply (errors included, as {@link RespError}), or a failure.
 */
final class Pending {
    interface Listener {
        void onReply(Pending pending, Object reply);

        /**
         * The request got no reply. {@code maybeSent} is false only when the request provably
         * never left the client (so a write was not applied by this attempt).
         */
        void onFailure(Pending pending, KvException error, boolean maybeSent);
    }

    final byte[][] args;
    final int sizeBytes;
    /** The level this request must run at; null: any (internal requests, e.g. SYNOD MEMBERS). */
    final Consistency level;
    final long deadlineNanos;
    final int attemptIndex;
    final Listener listener;
    /** Set on the event loop when the request is written to the channel. */
    long sentNanos;
    boolean sent;
    /** Holds in-flight permits of its connection (released when it completes there). */
    boolean permitted;
    /** Set on the event loop once the listener has been called; a late reply is dropped. */
    boolean done;

    Pending(byte[][] args, long deadlineNanos, int attemptIndex, Listener listener) {
        this(args, null, deadlineNanos, attemptIndex, listener);
    }

    Pending(byte[][] args, Consistency level, long deadlineNanos, int attemptIndex, Listener listener) {
        this.args = args;
        this.level = level;
        this.sizeBytes = Resp.encodedSizeBytes(args);
        this.deadlineNanos = deadlineNanos;
        this.attemptIndex = attemptIndex;
        this.listener = listener;
    }

    void reply(Object reply) {
        if (done) return;
        done = true;
        listener.onReply(this, reply == Resp.NIL ? null : reply);
    }

    void fail(KvException error) {
        if (done) return;
        done = true;
        listener.onFailure(this, error, sent);
    }
}
