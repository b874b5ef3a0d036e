package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs command-line tools (redis-cli, redis-benchmark) with bounded waits. */
final class ExternalTools {
    private ExternalTools() {}

    /** The outcome of one tool run. */
    record Run(int exitCode, String output) {}

    /** Prefers the binary on PATH, falling back to the given path (e.g. /usr/bin). */
    static Path resolve(Path fallback) {
        String name = fallback.getFileName().toString();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) return candidate;
        }
        return fallback;
    }

    /** Runs a tool with a bounded wait; kills it (by its own handle) if it overruns. */
    static Run run(Path workDir, Duration timeout, String... command) throws Exception {
        Path out = Files.createTempFile(workDir, "run-", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String output = Files.readString(out, StandardCharsets.ISO_8859_1);
            assertThat(done).as("%s finished within %s; output so far:%n%s",
                    String.join(" ", command), timeout, output).isTrue();
            return new Run(process.exitValue(), output);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
