package kv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deterministic packages (STYLE.md section 1) must not read clocks, draw unseeded randomness,
 * start threads or do I/O, or a seed could not replay a run (after tigerbeetle src/tidy.zig).
 */
class TidyTest {
    private static final List<String> PURE_PACKAGES =
            List.of("consensus", "lease", "eventual", "command", "statemachine", "session");

    /** Banned text and what to use instead. */
    private static final Map<String, String> BANNED = new TreeMap<>(Map.ofEntries(
            Map.entry("System.nanoTime", "the injected Clock"),
            Map.entry("System.currentTimeMillis", "the injected Clock"),
            Map.entry("Instant.now", "the injected Clock"),
            Map.entry("Math.random", "an injected seeded RandomGenerator"),
            Map.entry("ThreadLocalRandom", "an injected seeded RandomGenerator"),
            Map.entry("new Random()", "an injected seeded RandomGenerator"),
            Map.entry("new Thread", "the node loop (I/O at the edges)"),
            Map.entry("synchronized", "single-threaded ownership by the node loop"),
            Map.entry("java.util.concurrent", "single-threaded ownership by the node loop"),
            Map.entry("java.io.File", "the storage package"),
            Map.entry("java.nio.file", "the storage package"),
            Map.entry("io.netty", "the resp or transport package"),
            Map.entry("org.rocksdb", "the storage.rocksdb package"),
            Map.entry("io.micrometer", "plain stats bound by the metrics package"),
            Map.entry("new HashMap", "a TreeMap, array or list (iteration order must not vary)"),
            Map.entry("new HashSet", "a TreeSet, array or list (iteration order must not vary)")));

    @Test
    void purePackagesStayDeterministic() throws IOException {
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java/kv/server");
        for (String pkg : PURE_PACKAGES) {
            Path dir = root.resolve(pkg);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i).trim();
                        if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) continue;
                        for (Map.Entry<String, String> banned : BANNED.entrySet()) {
                            if (line.contains(banned.getKey())) {
                                violations.add(file + ":" + (i + 1) + " uses " + banned.getKey()
                                        + "; use " + banned.getValue());
                            }
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
