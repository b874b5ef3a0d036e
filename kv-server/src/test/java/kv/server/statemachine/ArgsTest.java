package kv.server.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Integer and float parsing must accept exactly what Redis' string2ll and strtod accept. */
class ArgsTest {
    @Property
    void everyLongRoundTrips(@ForAll long value) {
        assertThat(Args.parseLong(Long.toString(value).getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(value);
    }

    @Test
    void rejectsWhatRedisRejects() {
        for (String bad : new String[] {"", "-", "+1", " 1", "1 ", "01", "-0x", "9223372036854775808",
                "-9223372036854775809", "1.0", "1e3", "abc"}) {
            assertThat(Args.parseLong(bad.getBytes(StandardCharsets.US_ASCII))).as(bad).isNull();
        }
        assertThat(Args.parseLong("0".getBytes(StandardCharsets.US_ASCII))).isZero();
        assertThat(Args.parseLong("-0".getBytes(StandardCharsets.US_ASCII))).isZero();
    }

    @Test
    void parsesScores() {
        assertThat(Args.parseDouble("1.5".getBytes())).isEqualTo(1.5);
        assertThat(Args.parseDouble("-inf".getBytes())).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Args.parseDouble("+inf".getBytes())).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Args.parseDouble("nan".getBytes())).isNull();
        assertThat(Args.parseDouble("1d".getBytes())).isNull();
        assertThat(Args.parseDouble("0x10".getBytes())).isNull();
        assertThat(new String(Args.formatDouble(3.0))).isEqualTo("3");
        assertThat(new String(Args.formatDouble(0.1))).isEqualTo("0.1");
        assertThat(new String(Args.formatDouble(Double.POSITIVE_INFINITY))).isEqualTo("inf");
    }

    @Property
    void sortableScoresKeepNumericOrder(@ForAll double a, @ForAll double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) return;
        int numeric = Double.compare(a == 0.0 ? 0.0 : a, b == 0.0 ? 0.0 : b);
        int encoded = Long.compareUnsigned(KeyLayout.sortableScore(a), KeyLayout.sortableScore(b));
        assertThat(Integer.signum(encoded)).isEqualTo(Integer.signum(numeric));
        assertThat(KeyLayout.scoreFromSortable(KeyLayout.sortableScore(a)))
                .isEqualTo(a == 0.0 ? 0.0 : a);
    }
}
