package kv.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Synod cluster for the *IT tests: N kv-server child processes (main class
 * kv.server.cli.ServerMain, the test JVM's classpath) with peer addresses 127.0.0.11.. and
 * client ports on 127.0.0.1. Processes are only ever stopped through their own Process handle.
 * Mirrors kv-server's test harness (kv/server/it/ClusterProcesses), which is test code of
 * another module.
 */
final class ServerNodes implements AutoCloseable {
    static final long READY_TIMEOUT_MILLIS = 30_000;
    /** An eventual keyspace (levels ONE by default) beside the strong ones 0 and 1. */
    static final int EVENTUAL_KEYSPACE_INDEX = 2;

    final class Node {
        final int id;
        final int clientPort;
        final Path dir;
        Process process;

        Node(int id, int clientPort, Path dir) {
            this.id = id;
            this.clientPort = clientPort;
            this.dir = dir;
        }

        void start() {
            List<String> command = List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    "kv.server.cli.ServerMain", "--config", config.toString(),
                    "--port", Integer.toString(clientPort), "--node-id", Integer.toString(id),
                    "--metrics-port", "0", "--data-dir", dir.resolve("data").toString());
            try {
                process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            awaitPong();
        }

        /** SIGSTOP by its own pid: it holds every connection open and answers nothing. */
        void pause() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid()))
                    .inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -STOP " + process.pid() + " failed");
            }
        }

        /** kill -9, waiting until the process is gone. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        void stop() {
            if (process == null) return;
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }

        /** One command on a fresh socket; the decoded reply, or the IOException. */
        Object call(String... args) throws IOException {
            return ServerNodes.call(clientPort, args);
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("server.log"), StandardCharsets.ISO_8859_1);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return e.toString();
            }
        }

        private void awaitPong() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new IllegalStateException("node " + id + " exited:\n" + logTail());
                try {
                    if ("PONG".equals(call("PING"))) return;
                } catch (IOException e) {
                    // Not listening yet.
                }
                sleepMillis(100);
            }
            throw new IllegalStateException("node " + id + " not ready:\n" + logTail());
        }
    }

    final List<Node> nodes = new ArrayList<>();
    private final Path root;
    private final Path config;

    ServerNodes(int count, int requestTimeoutMillis) throws IOException {
        root = Files.createTempDirectory("synod-client-it-");
        config = root.resolve("config.yaml");
        StringBuilder yaml = new StringBuilder("node:\n  id: 1\nclient:\n  bind: 127.0.0.1\n  io-threads: 2\n"
                + "metrics:\n  bind: 127.0.0.1\nstorage:\n  fsync: never\n"
                + "cluster:\n  tick-millis: 20\n  request-timeout-millis: " + requestTimeoutMillis
                + "\n  members:\n");
        for (int id = 1; id <= count; id++) {
            int clientPort = KvClientTest.freePort();
            int peerPort = KvClientTest.freePort();
            yaml.append("    - {id: ").append(id).append(", host: 127.0.0.").append(10 + id)
                    .append(", client-port: ").append(clientPort).append(", peer-port: ")
                    .append(peerPort).append("}\n");
            Path dir = Files.createDirectories(root.resolve("node" + id));
            nodes.add(new Node(id, clientPort, dir));
        }
        yaml.append("keyspaces:\n  - name: default\n    index: 0\n    mode: strong\n"
                + "  - name: second\n    index: 1\n    mode: strong\n"
                + "  - name: cache\n    index: " + EVENTUAL_KEYSPACE_INDEX + "\n    mode: eventual\n"
                + "    write-level: ONE\n    read-level: ONE\n");
        Files.writeString(config, yaml.toString());
        try {
            for (Node node : nodes) node.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    Node node(int id) {
        return nodes.get(id - 1);
    }

    /** The node that reports itself leader, polling until the deadline; 0 if none. */
    int awaitLeader(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            for (Node node : nodes) {
                if (node.process == null || !node.process.isAlive()) continue;
                try {
                    Object info = node.call("INFO", "replication");
                    if (info instanceof byte[] bytes && new String(bytes, StandardCharsets.UTF_8)
                            .contains("synod_role:leader")) {
                        return node.id;
                    }
                } catch (IOException e) {
                    // Down or starting.
                }
            }
            sleepMillis(50);
        }
        return 0;
    }

    void printLogTails() {
        for (Node node : nodes) {
            System.err.println("===== node " + node.id + " server.log tail =====\n" + node.logTail());
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) node.stop();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a temp dir left behind is harmless.
        }
    }

    static Object call(int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(3000);
            byte[][] encoded = new byte[args.length][];
            for (int i = 0; i < args.length; i++) encoded[i] = Resp.bytes(args[i]);
            ByteBuf out = Unpooled.buffer();
            Resp.encode(encoded, out);
            byte[] request = new byte[out.readableBytes()];
            out.readBytes(request);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            ByteBuf received = Unpooled.buffer();
            byte[] chunk = new byte[4096];
            while (true) {
                int read = in.read(chunk);
                if (read < 0) throw new IOException("connection closed before a reply");
                received.writeBytes(chunk, 0, read);
                received.readerIndex(0);
                Object reply = RespDecoder.parse(received, 0);
                if (reply != RespDecoder.INCOMPLETE) return reply;
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
