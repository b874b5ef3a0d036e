package kv.server.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The hybrid logical clock (Kulkarni et al. 2014): timestamps strictly increase whatever the
 * wall clock does, exceed everything observed, and track the wall clock when it is sane.
 */
class HlcProperties {
    /** A wall reading (ms), or an observed remote timestamp when negative-tagged. */
    record Step(boolean observe, long value) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> wall = Arbitraries.longs().between(0, 5_000_000_000_000L)
                .map(millis -> new Step(false, millis));
        Arbitrary<Step> jumpy = Arbitraries.longs().between(1_000_000, 1_000_100)
                .map(millis -> new Step(false, millis)); // many equal and backward readings
        Arbitrary<Step> observe = Arbitraries.longs().between(0, Hlc.ofMillis(5_000_000_000_000L))
                .map(remote -> new Step(true, remote));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, wall), net.jqwik.api.Tuple.of(5, jumpy),
                net.jqwik.api.Tuple.of(2, observe)).list().ofMaxSize(200);
    }

    /**
     * A clock lifted to the greatest timestamp a peer may send, or a wall clock far past the
     * range, still issues increasing timestamps that make valid versions (it once failed an
     * assertion there, on every restart, since the clock is persisted).
     */
    @Example
    void theTopOfTheRangeLeavesRoomToIssue() {
        TestClock clock = new TestClock(Long.MAX_VALUE / 2);
        Hlc hlc = new Hlc(clock, 0);
        hlc.observe(Version.TIMESTAMP_ACCEPTED_MAX);
        long previous = Version.TIMESTAMP_ACCEPTED_MAX;
        for (int i = 0; i < 100_000; i++) {
            long next = hlc.now();
            org.assertj.core.api.Assertions.assertThat(next).isGreaterThan(previous);
            new Version(next, 6).stamp();
            previous = next;
        }
    }

    @Property
    void timestampsIncreaseAndExceedEverythingObserved(@ForAll("steps") List<Step> steps) {
        TestClock clock = new TestClock(0);
        Hlc hlc = new Hlc(clock, 0);
        long previous = -1;
        long observedMax = 0;
        for (Step step : steps) {
            if (step.observe()) {
                hlc.observe(step.value());
                observedMax = Math.max(observedMax, step.value());
                continue;
            }
            clock.wallMillis = step.value();
            long now = hlc.now();
            assertThat(now).isGreaterThan(previous).isGreaterThan(observedMax);
            assertThat(Hlc.physicalMillis(now)).isGreaterThanOrEqualTo(step.value());
            previous = now;
        }
    }

    @Test
    void followsTheWallClockAndCountsWithinAMillisecond() {
        TestClock clock = new TestClock(1000);
        Hlc hlc = new Hlc(clock, 0);
        long first = hlc.now();
        long second = hlc.now();
        assertThat(Hlc.physicalMillis(first)).isEqualTo(1000);
        assertThat(Hlc.logical(second)).isEqualTo(1);
        clock.wallMillis = 400; // backwards by 600 ms
        long third = hlc.now();
        assertThat(third).isGreaterThan(second);
        assertThat(Hlc.physicalMillis(third)).isEqualTo(1000);
        clock.wallMillis = 2000;
        assertThat(Hlc.physicalMillis(hlc.now())).isEqualTo(2000);
    }

    @Test
    void restoredClockNeverIssuesBelowItsPersistedMark() {
        TestClock clock = new TestClock(5);
        Hlc hlc = new Hlc(clock, Hlc.ofMillis(10) + 7);
        assertThat(hlc.now()).isEqualTo(Hlc.ofMillis(10) + 8);
    }

    @Test
    void logicalOverflowCarriesIntoTheMillisecond() {
        TestClock clock = new TestClock(3);
        Hlc hlc = new Hlc(clock, Hlc.ofMillis(3) + 0xffff);
        long next = hlc.now();
        assertThat(Hlc.physicalMillis(next)).isEqualTo(4);
        assertThat(Hlc.logical(next)).isZero();
    }
}
