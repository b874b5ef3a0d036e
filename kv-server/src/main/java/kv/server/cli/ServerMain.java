package kv.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import kv.server.StartRefused;
import kv.server.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kv-server}: starts one Synod node. */
@Command(name = "kv-server", mixinStandardHelpOptions = true, version = "Synod 0.1.0",
        description = {"Starts one Synod node: a replicated key-value database speaking the"
                + " Redis protocol.", "Without --config the embedded default config is used"
                + " (127.0.0.1:6379, data in ./data/node1)."},
        footer = {"", "Examples:", "  kv-server", "  kv-server --config config/single.yaml",
                "  kv-server --config config/single.yaml --port 7000 --data-dir /tmp/synod",
                "  kv-server --config config/single.yaml --check-config"})
public final class ServerMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (see README.md, Configuration).")
    Path config;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "Overrides node.id, so one cluster config serves every node"
                    + " (the data dir then defaults to data/node<ID>).")
    Integer nodeId;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides client.port.")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides node.data-dir.")
    Path dataDir;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Overrides metrics.port (0 disables the HTTP endpoint).")
    Integer metricsPort;

    @Option(names = "--check-config", description = "Validate the config, print it, and exit.")
    boolean checkConfig;

    public static void main(String[] args) {
        // Netty re-checks the reference count and bounds on every buffer access by default;
        // our handlers release each buffer exactly once (tests run with paranoid leak
        // detection), so the production server skips those checks on the hot path. Must be set
        // before any Netty class loads.
        setIfAbsent("io.netty.buffer.checkAccessible", "false");
        setIfAbsent("io.netty.buffer.checkBounds", "false");
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            LoggerFactory.getLogger(ServerMain.class).error(
                    "thread {} died; halting the node so it never serves after a failure",
                    thread.getName(), error);
            Runtime.getRuntime().halt(70);
        });
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) System.setProperty(property, value);
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig effective;
        try {
            effective = withOverrides(config == null ? ServerConfig.embeddedDefault()
                    : ServerConfig.load(config, nodeId));
        } catch (ConfigException e) {
            System.err.println("kv-server: invalid config: " + e.getMessage());
            return 2;
        }
        if (checkConfig) {
            System.out.println(effective);
            return 0;
        }
        LOG.info("effective config: {}", effective);
        Node node;
        try {
            node = new Node(effective);
        } catch (StartRefused e) {
            System.err.println("kv-server: cannot start: " + e.getMessage() + " [data directory "
                    + effective.dataDir().toAbsolutePath() + "]");
            return 3;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            node.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    private ServerConfig withOverrides(ServerConfig base) {
        return new ServerConfig(base.nodeId(), dataDir != null ? dataDir : base.dataDir(),
                base.clientBind(), port != null ? checkPort("--port", port) : base.clientPort(),
                base.connectionsMax(), base.ioThreads(), base.metricsBind(),
                metricsPort != null ? checkPort("--metrics-port", metricsPort) : base.metricsPort(),
                base.fsync(), base.blockCacheBytes(), base.readThreads(), base.keyspaces(),
                base.members(), base.cluster());
    }

    private static int checkPort(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(option + " = " + port + " is out of range; allowed: 0..65535");
        }
        return port;
    }
}
