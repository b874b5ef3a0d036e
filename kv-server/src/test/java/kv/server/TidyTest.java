package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deterministic packages (STYLE.md section 1) must not read clocks, draw unseeded randomness,
 * start threads, lock, do I/O, hold static mutable state or iterate hash maps, or a seed could not
 * replay a run and many simulated replicas could not share one JVM (after tigerbeetle
 * src/tidy.zig).
 */
class TidyTest {
    private static final List<String> PURE_PACKAGES =
            List.of("consensus", "lease", "eventual", "command", "statemachine", "session");

    /** Banned text and what to use instead. */
    private static final String[][] BANNED = {
        {"System.nanoTime", "the injected Clock, or count ticks"},
        {"System.currentTimeMillis", "the injected Clock, or count ticks"},
        {"Instant.now", "the injected Clock, or count ticks"},
        {"Math.random", "an injected seeded RandomGenerator"},
        {"ThreadLocalRandom", "an injected seeded RandomGenerator"},
        {"new Random(", "an injected seeded RandomGenerator"},
        {"new Thread", "the node loop (I/O and threads at the edges)"},
        {"synchronized", "single-threaded ownership by the node loop"},
        {"java.util.concurrent", "single-threaded ownership by the node loop"},
        {"java.io.", "return work to the driver; the storage package does I/O"},
        {"java.nio.file", "return work to the driver; the storage package does I/O"},
        {"io.netty", "the resp or transport package"},
        {"org.rocksdb", "the storage.rocksdb package"},
        {"io.micrometer", "plain stats bound by the metrics package"},
        {"HashMap", "a TreeMap, array or list (iteration order must not vary)"},
        {"HashSet", "a TreeSet, bitmask or list (iteration order must not vary)"},
    };

    private static List<Path> pureSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String pkg : PURE_PACKAGES) {
            Path dir = Path.of("src/main/java/kv/server", pkg);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                sources.addAll(files.filter(f -> f.toString().endsWith(".java")).toList());
            }
        }
        return sources;
    }

    private static boolean isComment(String trimmed) {
        return trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*");
    }

    @Test
    void purePackagesUseNoBannedNames() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : pureSources()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (isComment(lines.get(i).trim())) continue;
                for (String[] banned : BANNED) {
                    if (lines.get(i).contains(banned[0])) {
                        violations.add(file + ":" + (i + 1) + " uses " + banned[0] + "; use " + banned[1]);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void purePackagesHoldNoStaticMutableState() throws IOException {
        // Many replicas share one JVM in the simulators; static state would leak between them.
        List<String> violations = new ArrayList<>();
        for (Path file : pureSources()) {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (!isComment(trimmed) && !trimmed.startsWith("import ")
                        && trimmed.contains(" static ") && !trimmed.contains(" final ")
                        && trimmed.endsWith(";") && !trimmed.contains("(")) {
                    violations.add(file + ": " + trimmed);
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
