package kv.client;

import java.time.Duration;

/**
 * How calls retry retryable failures (-TRYAGAIN, -BUSY, -CLUSTERDOWN, -UNKNOWN, timeouts and
 * lost connections): at most {@code attemptsMax} attempts in all, within the call deadline,
 * sleeping a random duration in [backoffMin, current] between attempts, where current doubles
 * from backoffMin up to backoffMax ("full jitter"). Writes are retried only with their
 * original session and sequence, so they apply at most once.
 *
 * @param attemptsMax 1 disables retries: every unknown write outcome then surfaces as
 *     {@link UnknownOutcomeException}
 */
public record RetryPolicy(int attemptsMax, Duration backoffMin, Duration backoffMax) {
    public static RetryPolicy defaults() {
        return new RetryPolicy(20, Duration.ofMillis(10), Duration.ofMillis(500));
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10));
    }

    public RetryPolicy {
        ClientConfig.checkRange("retry.attempts.max", attemptsMax, 1, ClientLimits.ATTEMPTS_COUNT_MAX, "attempts");
        ClientConfig.checkRange("retry.backoff.min", backoffMin.toMillis(), 1, 60_000, "ms");
        ClientConfig.checkRange("retry.backoff.max", backoffMax.toMillis(), backoffMin.toMillis(), 60_000, "ms");
    }

    /** The backoff before attempt {@code attemptIndex + 1}, with full jitter. */
    long backoffNanos(int attemptIndex, double random) {
        long min = backoffMin.toNanos();
        long ceiling = min << Math.min(attemptIndex, 20);
        if (ceiling <= 0 || ceiling > backoffMax.toNanos()) ceiling = backoffMax.toNanos();
        return min + (long) ((ceiling - min) * random);
    }
}
