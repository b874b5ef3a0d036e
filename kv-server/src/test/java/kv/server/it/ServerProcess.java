package kv.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kv.server.TestPorts;

/**
 * One real kv-server node as a child process on 127.0.0.1, for the {@code *IT} tests.
 *
 * <p>Writes a YAML config into a fresh temp dir, picks free ports, starts
 * {@code kv.server.cli.ServerMain} with the test JVM's classpath, and returns once a TCP
 * {@code PING} answers {@code +PONG} (deadline {@link #READY_TIMEOUT}). The server's stdout
 * and stderr go to {@code server.log} in the temp dir; {@link #logTail(int)} shows its end.
 * Every process started is tracked: {@link #close()} stops it, and a JVM shutdown hook kills
 * whatever a crashed test left behind. Processes are only ever stopped through their own
 * {@link Process} handle.
 */
public final class ServerProcess implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    static final String HOST = "127.0.0.1";

    /** Every live server process of this JVM; the shutdown hook kills what is left. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /** Every open harness, for printing log tails when a test fails. */
    private static final Set<ServerProcess> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) p.destroyForcibly();
        }, "kill-it-servers"));
    }

    /** Config knobs the tests vary; everything else is the server's default. */
    public static final class Options {
        boolean fsync = false;
        int connectionsMax = 0; // 0 = server default
        String name = "it";

        public static Options defaults() {
            return new Options();
        }

        public Options fsync(boolean always) {
            this.fsync = always;
            return this;
        }

        public Options connectionsMax(int max) {
            this.connectionsMax = max;
            return this;
        }

        public Options name(String name) {
            this.name = name;
            return this;
        }

        /** One replica of a cluster: its id, the shared members block and its client port. */
        int nodeId;
        String clusterYaml;
        int clientPort;

        public Options member(int nodeId, String clusterYaml, int clientPort) {
            this.nodeId = nodeId;
            this.clusterYaml = clusterYaml;
            this.clientPort = clientPort;
            return this;
        }
    }

    private final Options options;
    private final Path dir;
    private final Path dataDir;
    private final Path config;
    private final Path log;
    private int port;
    private int metricsPort;
    private Process process;
    private boolean closed;

    private ServerProcess(Options options) throws IOException {
        this.options = options;
        this.dir = Files.createTempDirectory("synod-" + options.name + "-");
        this.dataDir = dir.resolve("data");
        this.config = dir.resolve("config.yaml");
        this.log = dir.resolve("server.log");
        Files.writeString(config, yaml(options));
    }

    /** Starts a node with {@code options}; fails with the log tail if it is not ready in time. */
    public static ServerProcess start(Options options) {
        ServerProcess server;
        try {
            server = new ServerProcess(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OPEN.add(server);
        // A picked port can be taken by someone else before the server binds it: retry a few times.
        for (int attempt = 1; ; attempt++) {
            server.port = options.clientPort > 0 ? options.clientPort : TestPorts.free();
            server.metricsPort = TestPorts.free();
            try {
                server.launch();
                return server;
            } catch (RuntimeException e) {
                boolean portTaken = server.logText().contains("Address already in use");
                server.stopProcess();
                if (!portTaken || attempt >= 3) {
                    server.close();
                    throw e;
                }
            }
        }
    }

    public static ServerProcess start() {
        return start(Options.defaults());
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook runs, nothing is flushed. Waits until the process is gone. */
    public void kill9() {
        Process p = process;
        if (p == null) return;
        p.destroyForcibly();
        waitExit(p, STOP_TIMEOUT);
        LIVE.remove(p);
        process = null;
    }

    /**
     * Starts the node again on the same data dir and ports: after {@link #kill9()} it just
     * starts; if it is still running it is stopped first (SIGTERM, then SIGKILL if it hangs).
     */
    public void restart() {
        if (closed) throw new IllegalStateException("closed");
        stopProcess();
        launch();
    }

    /** Edits the node's config file (takes effect at the next {@link #restart()}). */
    public void replaceInConfig(String from, String to) {
        try {
            String text = Files.readString(config);
            if (!text.contains(from)) throw new IllegalArgumentException("config lacks " + from);
            Files.writeString(config, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the node's data directory (it must be stopped): a node that lost its disk. */
    public void wipeData() {
        if (isAlive()) throw new IllegalStateException("stop the node before wiping its data");
        deleteRecursively(dataDir);
    }

    /** Opens a raw RESP connection to this node. */
    public Resp connect() throws IOException {
        return new Resp(HOST, port);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopProcess();
        OPEN.remove(this);
        deleteRecursively(dir);
    }

    /** The last {@code lines} lines of the server log. */
    public String logTail(int lines) {
        String text = logText();
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    /** Prints the log tail of every open server: called when a test fails. */
    static void printAllLogTails() {
        for (ServerProcess server : OPEN) {
            System.err.println("===== server.log tail (port " + server.port + ", "
                    + (server.isAlive() ? "alive" : "not running") + ") " + server.log + " =====");
            System.err.println(server.logTail(60));
            System.err.println("===== end of server.log tail =====");
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-Xmx256m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:+UseSerialGC");
        command.add("-Dkv.verify=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("kv.server.cli.ServerMain");
        command.add("--config");
        command.add(config.toString());
        command.add("--port");
        command.add(Integer.toString(port));
        if (options.nodeId > 0) {
            command.add("--node-id");
            command.add(Integer.toString(options.nodeId));
        }
        command.add("--metrics-port");
        command.add(Integer.toString(metricsPort));
        command.add("--data-dir");
        command.add(dataDir.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            appendLog("---- starting: " + String.join(" ", command.subList(command.size() - 8, command.size())));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        LIVE.add(process);
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastError = "no attempt";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with code " + process.exitValue()
                        + " before it was ready; log tail:\n" + logTail(40));
            }
            try (Resp conn = new Resp(HOST, port, Duration.ofSeconds(2))) {
                Object reply = conn.call("PING");
                if ("PONG".equals(reply)) return;
                lastError = "PING answered " + Resp.show(reply);
            } catch (IOException e) {
                lastError = e.toString();
            }
            // Back off briefly between attempts; bounded by the deadline above.
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the server", e);
            }
        }
        throw new IllegalStateException("server on port " + port + " not ready within "
                + READY_TIMEOUT + " (last: " + lastError + "); log tail:\n" + logTail(40));
    }

    /** destroy (SIGTERM), bounded wait, then destroyForcibly. */
    private void stopProcess() {
        Process p = process;
        if (p == null) return;
        p.destroy();
        if (!waitExit(p, STOP_TIMEOUT)) {
            p.destroyForcibly();
            waitExit(p, STOP_TIMEOUT);
        }
        LIVE.remove(p);
        process = null;
    }

    private static boolean waitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private void appendLog(String line) throws IOException {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static String yaml(Options o) {
        StringBuilder y = new StringBuilder();
        y.append("node:\n  id: 1\n");
        y.append("client:\n  bind: 127.0.0.1\n");
        if (o.connectionsMax > 0) y.append("  connections-max: ").append(o.connectionsMax).append('\n');
        y.append("  io-threads: 2\n");
        y.append("metrics:\n  bind: 127.0.0.1\n");
        y.append("storage:\n  fsync: ").append(o.fsync ? "always" : "never").append('\n');
        if (o.clusterYaml != null) y.append(o.clusterYaml);
        y.append("keyspaces:\n");
        y.append("  - name: default\n    index: 0\n    mode: strong\n");
        y.append("  - name: second\n    index: 1\n    mode: strong\n");
        y.append("  - name: cache\n    index: 2\n    mode: eventual\n");
        return y.toString();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a temp dir left behind is harmless.
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort.
        }
    }

    /** Quick liveness probe used by tests after abusive input: a fresh connection PINGs. */
    public void assertServing() throws IOException {
        if (!isAlive()) {
            throw new AssertionError("server process died; log tail:\n" + logTail(40));
        }
        try (Resp conn = connect()) {
            Object reply = conn.call("PING");
            if (!"PONG".equals(reply)) {
                throw new AssertionError("PING answered " + Resp.show(reply) + "; log tail:\n" + logTail(40));
            }
        }
    }
}
