package kv.server.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pure packages stay pure (STYLE.md section 1; tigerbeetle {@code src/tidy.zig}): no clock,
 * no unseeded randomness, no threads, locks, atomics, I/O or hash maps whose order varies.
 */
class TidyTest {
    private static final String[][] BANNED = {
        {"System.nanoTime", "count ticks; the driver calls tick()"},
        {"System.currentTimeMillis", "count ticks; the driver calls tick()"},
        {"Instant.now", "count ticks; the driver calls tick()"},
        {"Math.random", "use the injected RandomGenerator"},
        {"ThreadLocalRandom", "use the injected RandomGenerator"},
        {"new Random(", "use the injected RandomGenerator"},
        {"new Thread", "the node loop owns the replica; no threads in the core"},
        {"synchronized", "single-threaded by contract"},
        {"java.util.concurrent", "single-threaded by contract"},
        {"java.io.", "return work in a Ready; the driver does I/O"},
        {"io.netty", "transport only"},
        {"org.rocksdb", "storage only"},
        {"HashMap", "iterate arrays, lists or sorted maps (TreeMap)"},
        {"HashSet", "use bitmasks or sorted sets"},
        {"Optional", "no allocation on hot paths; return a result enum"},
    };

    @Test
    void purePackagesUseNoBannedNames() throws IOException {
        // Property: the core is a deterministic state machine a seeded simulator can replay.
        List<String> violations = new ArrayList<>();
        for (String dir : new String[] {"consensus", "session"}) {
            Path root = Path.of("src/main/java/kv/server", dir);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        for (String[] banned : BANNED) {
                            String line = lines.get(i);
                            String trimmed = line.trim();
                            if (trimmed.startsWith("*") || trimmed.startsWith("//")) continue;
                            if (line.contains(banned[0])) {
                                violations.add(file + ":" + (i + 1) + " uses " + banned[0]
                                        + ": " + banned[1]);
                            }
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void noStaticMutableState() throws IOException {
        // Property: many replicas share one JVM in the simulator; static state would leak.
        List<String> violations = new ArrayList<>();
        for (String dir : new String[] {"consensus", "session"}) {
            try (Stream<Path> files = Files.walk(Path.of("src/main/java/kv/server", dir))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        String t = line.trim();
                        if (t.contains(" static ") && !t.contains(" final ") && t.endsWith(";")
                                && !t.contains("(")) {
                            violations.add(file + ": " + t);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
