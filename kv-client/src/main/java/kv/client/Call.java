package kv.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One user call and its attempts. Reads are retried freely; a write is wrapped in
 * {@code SESSION clientId sequence ...} and every retry reuses that pair, so the server applies
 * it at most once and answers a retry with the first result.
 *
 * <p>State changes are synchronized on the call: attempts complete on event loops, the first
 * attempt starts on the caller's thread. A reply or failure of an attempt other than the
 * current one is ignored (a timed-out attempt's late reply, for example).
 */
final class Call<T> implements Pending.Listener {
    private final KvClient client;
    private final byte[][] command;
    private final boolean write;
    /**
     * A write in a strong keyspace with exactly-once on (the default): runs through a session,
     * retried with the same pair.
     */
    private final boolean exactlyOnce;
    private final Consistency level;
    private final Function<Object, T> convert;
    private final long deadlineNanos;
    private final long startNanos = System.nanoTime();
    final CompletableFuture<T> future = new CompletableFuture<>();
    private Sessions.Session session;
    private byte[][] args;
    private int attemptIndex;
    /** Some attempt of this write may have been applied: the final error must say unknown. */
    private boolean maybeApplied;
    private KvException lastError;
    /** The member the current attempt went to (0: none); suspected when it fails there. */
    private volatile int attemptNodeId;

    Call(KvClient client, byte[][] command, boolean write, Function<Object, T> convert, long deadlineNanos) {
        this.client = client;
        this.command = command;
        this.write = write;
        this.exactlyOnce = write && client.config().exactlyOnce() && !client.cluster().isEventualKeyspace();
        this.level = client.consistency();
        this.convert = convert;
        this.deadlineNanos = deadlineNanos;
    }

    /** First attempt, on the caller's thread; may wait for pipeline room (WhenFull.WAIT). */
    CompletableFuture<T> start() {
        if (exactlyOnce) openSession();
        else args = command;
        if (Resp.encodedSizeBytes(args) > ClientLimits.REQUEST_SIZE_BYTES_MAX) {
            finish(null, new LimitException("request of " + Resp.encodedSizeBytes(args)
                    + " bytes exceeds max " + ClientLimits.REQUEST_SIZE_BYTES_MAX + " bytes"));
            return future;
        }
        boolean mayWait = client.config().whenFull() == WhenFull.WAIT && !KvClient.isIoThread();
        attempt(mayWait);
        return future;
    }

    private void openSession() {
        session = client.sessions().take();
        byte[][] wrapped = new byte[command.length + 3][];
        wrapped[0] = KvClient.SESSION;
        wrapped[1] = Resp.bytes(session.clientId);
        wrapped[2] = Resp.bytes(session.sequence);
        System.arraycopy(command, 0, wrapped, 3, command.length);
        args = wrapped;
    }

    private void attempt(boolean mayWait) {
        Pending pending;
        synchronized (this) {
            if (future.isDone()) return;
            attemptIndex++;
            pending = new Pending(args, level, deadlineNanos, attemptIndex, this);
        }
        RespConnection connection = write ? client.cluster().pickForWrite() : client.cluster().pickForRead();
        if (connection == null) {
            attemptNodeId = 0;
            onFailure(pending, new ConnectionException("no cluster member reachable"), false);
            return;
        }
        attemptNodeId = connection.nodeId;
        boolean queued;
        if (mayWait) {
            try {
                queued = connection.send(pending, Math.max(0, deadlineNanos - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish(null, new KvTimeoutException("interrupted while waiting for pipeline room"));
                return;
            }
            if (!queued) {
                finish(null, new PipelineFullException("no pipeline room to "
                        + connection.address() + " before the deadline (nothing sent)"));
                return;
            }
        } else if (!connection.trySend(pending)) {
            if (attemptIndex == 1 && client.config().whenFull() == WhenFull.FAIL_FAST) {
                finish(null, new PipelineFullException("in-flight bound to " + connection.address()
                        + " reached (nothing sent)"));
                return;
            }
            // A retry never blocks an event loop: treat a full pipeline as not sent, back off.
            onFailure(pending, new PipelineFullException("pipeline to " + connection.address() + " full"), false);
        }
    }

    @Override
    public void onReply(Pending pending, Object reply) {
        synchronized (this) {
            if (pending.attemptIndex != attemptIndex || future.isDone()) return;
        }
        if (!(reply instanceof RespError error)) {
            T value;
            try {
                value = convert.apply(reply);
            } catch (KvException e) {
                finish(null, e);
                return;
            } catch (RuntimeException e) {
                finish(null, new ProtocolException("unexpected reply " + Resp.show(reply), e));
                return;
            }
            finish(value, null);
            return;
        }
        switch (error.code()) {
            case "UNKNOWN", "TRYAGAIN" -> {
                client.cluster().suspect(attemptNodeId);
                retryLater(error.toException(), true);
            }
            case "CLUSTERDOWN" -> {
                client.cluster().suspect(attemptNodeId);
                retryLater(error.toException(), false);
            }
            case "BUSY" -> retryLater(error.toException(), false);
            case "SESSIONEXPIRED" -> onSessionExpired(error);
            default -> finish(null, error.toException());
        }
    }

    @Override
    public void onFailure(Pending pending, KvException error, boolean maybeSent) {
        synchronized (this) {
            if (pending.attemptIndex != attemptIndex || future.isDone()) return;
        }
        if (error instanceof ProtocolException) {
            // Its reply was malformed or too large: a retry would get the same answer (and
            // close another connection under the requests pipelined behind it). The server
            // answered, so a write may have been applied: finishExhausted says so.
            synchronized (this) {
                lastError = error;
                if (write) maybeApplied = true;
            }
            finishExhausted();
            return;
        }
        if (error instanceof ConnectionException) client.cluster().suspect(attemptNodeId);
        retryLater(error, maybeSent);
    }

    /**
     * Not applied by this attempt. If no earlier attempt of this write may have been applied,
     * the server forgot (or never knew) the session: start over with a fresh one. Otherwise an
     * earlier attempt may have been applied before the session was forgotten: unknown.
     */
    private void onSessionExpired(RespError error) {
        boolean renew;
        synchronized (this) {
            renew = exactlyOnce && !maybeApplied;
            if (renew) {
                session = null; // dropped: its sequences are no longer usable
                openSession();
            }
        }
        if (renew) {
            retryLater(error.toException(), false);
        } else {
            finish(null, new UnknownOutcomeException("write outcome unknown: an earlier attempt"
                    + " may have been applied before the server expired the session", error.toException()));
        }
    }

    private void retryLater(KvException error, boolean maybeSent) {
        long delayNanos;
        synchronized (this) {
            if (future.isDone()) return;
            lastError = error;
            if (write && maybeSent) maybeApplied = true;
            delayNanos = client.config().retryPolicy().backoffNanos(attemptIndex - 1,
                    ThreadLocalRandom.current().nextDouble());
        }
        client.cluster().requestRefresh();
        boolean attemptsLeft = attemptIndex < client.config().retryPolicy().attemptsMax();
        // Without a session a retry could apply a write twice: never retry one that may have been
        // applied (a retried SET could overwrite another client's later write, an INCR count twice).
        boolean retryUnsafe = write && !exactlyOnce && maybeApplied;
        if (retryUnsafe || !attemptsLeft || System.nanoTime() + delayNanos - deadlineNanos >= 0) {
            finishExhausted();
            return;
        }
        client.retriesCount().increment();
        client.config().metrics().onRetry(write);
        try {
            client.cluster().timer().schedule(() -> attempt(false), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            finish(null, new ConnectionException("client closed", error));
        }
    }

    private void finishExhausted() {
        KvException error;
        synchronized (this) {
            String why = "after " + attemptIndex + " attempt(s): " + lastError.getMessage();
            if (write && !exactlyOnce && maybeApplied) {
                error = new UnknownOutcomeException("write outcome unknown " + why + "; not retried"
                        + " without an exactly-once session (eventual keyspace, or exactlyOnce(false)):"
                        + " read the key back", lastError);
            } else if (write && maybeApplied) {
                error = new UnknownOutcomeException("write outcome unknown " + why, lastError);
            } else if (lastError instanceof UnknownOutcomeException) {
                error = new KvTimeoutException("read failed " + why, lastError); // a read: retry it
            } else {
                error = lastError;
            }
        }
        finish(null, error);
    }

    private void finish(T value, KvException error) {
        synchronized (this) {
            if (future.isDone()) return;
            if (session != null) {
                // Unknown outcome: the server may hold a later sequence or none; drop the session.
                if (!(error instanceof UnknownOutcomeException)) client.sessions().give(session);
                session = null;
            }
        }
        client.config().metrics().onCall(write, ClientMetrics.Result.of(error), System.nanoTime() - startNanos);
        if (error != null) future.completeExceptionally(error);
        else future.complete(value);
    }

}
