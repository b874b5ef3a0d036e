package kv.server.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Redis glob semantics (stringmatchlen) for KEYS and SCAN MATCH, and no exponential blow-up. */
class GlobPatternTest {
    private static boolean matches(String pattern, String text) {
        return GlobPattern.matches(pattern.getBytes(StandardCharsets.UTF_8),
                text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void redisExamples() {
        assertThat(matches("h?llo", "hello")).isTrue();
        assertThat(matches("h*llo", "heeeello")).isTrue();
        assertThat(matches("h[ae]llo", "hallo")).isTrue();
        assertThat(matches("h[ae]llo", "hillo")).isFalse();
        assertThat(matches("h[^e]llo", "hallo")).isTrue();
        assertThat(matches("h[^e]llo", "hello")).isFalse();
        assertThat(matches("h[a-b]llo", "hbllo")).isTrue();
        assertThat(matches("h\\*llo", "h*llo")).isTrue();
        assertThat(matches("h\\*llo", "hello")).isFalse();
        assertThat(matches("*", "")).isTrue();
        assertThat(matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(matches("a*b*c", "axxbyy")).isFalse();
        assertThat(matches("[abc", "a")).isFalse();
    }

    @Test
    void hostilePatternStaysLinearish() {
        String text = "a".repeat(2000);
        String pattern = "*a".repeat(40) + "b";
        assertThat(matches(pattern, text)).isFalse(); // completes: one backtrack point
    }
}
