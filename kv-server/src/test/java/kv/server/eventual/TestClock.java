package kv.server.eventual;

import kv.server.Clock;

/** A clock the test moves by hand: monotonic time and a wall clock that may jump either way. */
final class TestClock implements Clock {
    long nanos;
    long wallMillis;

    TestClock(long wallMillis) {
        this.wallMillis = wallMillis;
    }

    @Override
    public long monotonicNanos() {
        return nanos;
    }

    @Override
    public long wallMillis() {
        return wallMillis;
    }
}
