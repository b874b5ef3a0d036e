package kv.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kv.server.Limits;
import kv.server.command.Keyspaces;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The node's YAML config, validated at start: an unknown key or a bad value fails with the key,
 * the value and the allowed range (etcd-io/raft {@code Config.validate}). Every key is documented
 * in README.md, "Configuration".
 */
public record ServerConfig(
        int nodeId,
        Path dataDir,
        String clientBind,
        int clientPort,
        int connectionsMax,
        int ioThreads,
        String metricsBind,
        int metricsPort,
        boolean fsync,
        long blockCacheBytes,
        int readThreads,
        Keyspaces keyspaces,
        /** Every replica of the group, this node included; empty: a single node. */
        List<Member> members,
        Cluster cluster) {

    /**
     * Consensus timing. With the default 20 ms tick, heartbeats go every 2 ticks (40 ms) and a
     * follower starts an election after 10-20 silent ticks (200-400 ms): failover takes well
     * under a second, and a GC pause or a loaded 2-core machine rarely triggers a false one.
     */
    public record Cluster(int tickMillis, int requestTimeoutMillis, int peerDelayMillis,
                          int snapshotIntervalSlots, Leases leases) {
        public static final Cluster DEFAULT = new Cluster(20, 5_000, 0, 10_000, Leases.DEFAULT);
    }

    /**
     * Quorum leases over the strong keyspaces (they share one log, so one setting covers them):
     * every holder serves linearizable reads from its own state. A write waits until every
     * holder knows of it, so a holder that went silent delays writes by at most about
     * {@code durationMillis}, once, until its grants run out. Durations are measured on each
     * node's monotonic clock; {@code clockDriftPpm} bounds how far two clocks' rates may differ.
     *
     * @param holderIds member ids that hold leases; empty: every member
     */
    public record Leases(boolean enabled, List<Integer> holderIds, int durationMillis,
                         int guardMillis, int renewMillis, int clockDriftPpm) {
        public static final Leases DEFAULT = new Leases(true, List.of(), 400, 200, 100, 50_000);
    }

    /** One replica: its node id, the loopback or host address it owns, and its two ports. */
    public record Member(int id, String host, int clientPort, int peerPort, int metricsPort) {}

    /** This node's entry in {@link #members}, or null on a single node. */
    public Member self() {
        for (Member member : members) {
            if (member.id() == nodeId) return member;
        }
        return null;
    }

    private static final int PORT_MAX = 65_535;
    private static final long BLOCK_CACHE_BYTES_MIN = 1 << 20;
    private static final long BLOCK_CACHE_BYTES_MAX = 64L << 30;
    private static final int THREADS_MAX = 64;
    private static final int CONFIG_SIZE_BYTES_MAX = 1 << 20;

    private static final Map<String, Set<String>> KEYS = Map.of(
            "", Set.of("node", "client", "metrics", "storage", "read", "keyspaces", "cluster"),
            "cluster", Set.of("members", "tick-millis", "request-timeout-millis", "peer-delay-millis",
                    "snapshot-interval-slots", "leases"),
            "leases", Set.of("enabled", "holders", "duration-millis", "guard-millis", "renew-millis",
                    "clock-drift-ppm"),
            "members", Set.of("id", "host", "client-port", "peer-port", "metrics-port"),
            "node", Set.of("id", "data-dir"),
            "client", Set.of("bind", "port", "connections-max", "io-threads"),
            "metrics", Set.of("bind", "port"),
            "storage", Set.of("fsync", "block-cache-bytes"),
            "read", Set.of("threads"),
            "keyspaces", Set.of("name", "index", "mode", "write-level", "read-level"));

    /** The embedded default: one node on 127.0.0.1:6379, data in ./data/node1. */
    public static ServerConfig embeddedDefault() {
        try (InputStream in = ServerConfig.class.getResourceAsStream("/kv/server/default.yaml")) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    "embedded default config");
        } catch (IOException e) {
            throw new ConfigException("cannot read the embedded default config: " + e.getMessage());
        }
    }

    public static ServerConfig load(Path file) {
        return load(file, null);
    }

    /** Loads {@code file}; {@code nodeIdOverride} (if set) replaces node.id before validation. */
    public static ServerConfig load(Path file, Integer nodeIdOverride) {
        try {
            if (Files.size(file) > CONFIG_SIZE_BYTES_MAX) {
                throw new ConfigException(file + ": config larger than " + CONFIG_SIZE_BYTES_MAX + " bytes");
            }
            return parse(Files.readString(file), file.toString(), nodeIdOverride);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
    }

    public static ServerConfig parse(String yamlText, String origin) {
        return parse(yamlText, origin, null);
    }

    @SuppressWarnings("unchecked")
    public static ServerConfig parse(String yamlText, String origin, Integer nodeIdOverride) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (RuntimeException e) {
            throw new ConfigException(origin + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) root = Map.of();
        if (!(root instanceof Map)) throw new ConfigException(origin + ": the top level must be a mapping");
        Reader reader = new Reader(origin);
        Map<String, Object> top = reader.section((Map<String, Object>) root, "");
        Map<String, Object> node = reader.child(top, "node");
        Map<String, Object> client = reader.child(top, "client");
        Map<String, Object> metrics = reader.child(top, "metrics");
        Map<String, Object> storage = reader.child(top, "storage");
        Map<String, Object> read = reader.child(top, "read");
        if (nodeIdOverride != null) node.put("id", nodeIdOverride);
        int nodeId = (int) reader.number(node, "node.id", 1, 1, 255);
        String fsync = reader.string(storage, "storage.fsync", "always");
        if (!fsync.equals("always") && !fsync.equals("never")) {
            throw new ConfigException(origin + ": storage.fsync = '" + fsync
                    + "' is invalid; allowed: always (durable, the default) or never (tests and"
                    + " benchmarks only: acknowledged writes can be lost on power failure)");
        }
        ServerConfig config = new ServerConfig(
                nodeId,
                Path.of(reader.string(node, "node.data-dir", "data/node" + nodeId)),
                reader.string(client, "client.bind", "127.0.0.1"),
                (int) reader.number(client, "client.port", 6379, 0, PORT_MAX),
                (int) reader.number(client, "client.connections-max", Limits.CONNECTIONS_COUNT_MAX,
                        1, Limits.CONNECTIONS_COUNT_MAX),
                (int) reader.number(client, "client.io-threads",
                        Math.max(1, Runtime.getRuntime().availableProcessors()), 1, THREADS_MAX),
                reader.string(metrics, "metrics.bind", "127.0.0.1"),
                (int) reader.number(metrics, "metrics.port", 9121, 0, PORT_MAX),
                fsync.equals("always"),
                reader.number(storage, "storage.block-cache-bytes", 64L << 20,
                        BLOCK_CACHE_BYTES_MIN, BLOCK_CACHE_BYTES_MAX),
                (int) reader.number(read, "read.threads", 2, 1, THREADS_MAX),
                keyspaces(reader, top.get("keyspaces")),
                members(reader, reader.child(top, "cluster").get("members"), nodeId),
                cluster(reader, reader.child(top, "cluster")));
        for (int holder : config.cluster().leases().holderIds()) {
            if (config.members().stream().noneMatch(member -> member.id() == holder)) {
                throw leaseError(reader, "holders names " + holder + ", which is not in"
                        + " cluster.members; list member ids only");
            }
        }
        return config;
    }

    private static Cluster cluster(Reader reader, Map<String, Object> cluster) {
        Cluster defaults = Cluster.DEFAULT;
        int tickMillis = (int) reader.number(cluster, "cluster.tick-millis", defaults.tickMillis(), 1, 1_000);
        int requestTimeoutMillis = (int) reader.number(cluster, "cluster.request-timeout-millis",
                defaults.requestTimeoutMillis(), 100, 600_000);
        int peerDelayMillis = (int) reader.number(cluster, "cluster.peer-delay-millis",
                defaults.peerDelayMillis(), 0, 10_000);
        // An election needs at least 10 ticks of silence: a request must outlive a failover.
        if (requestTimeoutMillis < 40 * tickMillis) {
            throw new ConfigException(reader.origin + ": cluster.request-timeout-millis = "
                    + requestTimeoutMillis + " is below 40 ticks (" + 40 * tickMillis
                    + " ms at cluster.tick-millis = " + tickMillis + "); a request would time out"
                    + " during an ordinary leader election");
        }
        int snapshotIntervalSlots = (int) reader.number(cluster, "cluster.snapshot-interval-slots",
                defaults.snapshotIntervalSlots(), 2, 100_000_000);
        return new Cluster(tickMillis, requestTimeoutMillis, peerDelayMillis, snapshotIntervalSlots,
                leases(reader, reader.child(cluster, "leases"), tickMillis, requestTimeoutMillis));
    }

    /** Ticks a lease duration spans at least, so tick granularity does not dominate it. */
    private static final int LEASE_TICKS_MIN = 4;
    /** A grant as the grantor counts it stays below 4 election timeouts (ReplicaConfig). */
    private static final int LEASE_GRANT_TICKS_MAX = 40;
    /** Largest clock drift bound: beyond 10% a clock is broken, not drifting. */
    private static final int CLOCK_DRIFT_PPM_MAX = 100_000;

    private static Leases leases(Reader reader, Map<String, Object> leases, int tickMillis,
                                 int requestTimeoutMillis) {
        Leases defaults = Leases.DEFAULT;
        String enabled = reader.string(leases, "cluster.leases.enabled", Boolean.toString(defaults.enabled()));
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigException(reader.origin + ": cluster.leases.enabled = '" + enabled
                    + "' is invalid; allowed: true (holders serve strong reads locally) or false"
                    + " (every strong read goes through the leader)");
        }
        int duration = (int) reader.number(leases, "cluster.leases.duration-millis",
                defaults.durationMillis(), 1, 60_000);
        int guard = (int) reader.number(leases, "cluster.leases.guard-millis",
                defaults.guardMillis(), 1, 60_000);
        int renew = (int) reader.number(leases, "cluster.leases.renew-millis",
                defaults.renewMillis(), 1, 60_000);
        int drift = (int) reader.number(leases, "cluster.leases.clock-drift-ppm",
                defaults.clockDriftPpm(), 0, CLOCK_DRIFT_PPM_MAX);
        if (duration < LEASE_TICKS_MIN * tickMillis) {
            throw leaseError(reader, "duration-millis = " + duration + " is below " + LEASE_TICKS_MIN
                    + " ticks (" + LEASE_TICKS_MIN * tickMillis + " ms at cluster.tick-millis = "
                    + tickMillis + "); raise it");
        }
        // The replica lets a write wait for a silent holder for at most 4 election timeouts
        // (kv.server.consensus.ReplicaConfig); the grantor's count of a lease is lengthened.
        long grantorTicks = kv.server.lease.LeaseConfig.grantorLeaseTicksOf(duration / tickMillis, drift);
        if (grantorTicks >= LEASE_GRANT_TICKS_MAX) {
            throw leaseError(reader, "duration-millis = " + duration + " is too long: with the"
                    + " drift bound a grantor counts " + grantorTicks + " ticks, the most is "
                    + (LEASE_GRANT_TICKS_MAX - 1) + " (4 election timeouts of 10 ticks); shorten it"
                    + " or raise cluster.tick-millis");
        }
        if (guard > duration || renew * 2 > duration || renew < tickMillis || guard < tickMillis) {
            throw leaseError(reader, "guard-millis = " + guard + " and renew-millis = " + renew
                    + " must be at least one tick (" + tickMillis + " ms), the guard at most the"
                    + " duration (" + duration + " ms) and the renewal at most half of it");
        }
        // A write may wait one lease for a silent holder; it must stay well within its timeout.
        if ((long) (duration + guard) * 2 > requestTimeoutMillis) {
            throw leaseError(reader, "duration-millis + guard-millis = " + (duration + guard)
                    + " must be at most half of cluster.request-timeout-millis ("
                    + requestTimeoutMillis + "): a write may wait that long for a silent holder");
        }
        return new Leases(enabled.equals("true"), holderIds(reader, leases.get("holders")),
                duration, guard, renew, drift);
    }

    private static List<Integer> holderIds(Reader reader, Object value) {
        if (value == null) return List.of();
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw leaseError(reader, "holders must be a non-empty list of member ids, e.g. [1, 2, 3]");
        }
        List<Integer> ids = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Integer id) || ids.contains(id)) {
                throw leaseError(reader, "holders = " + list + " must list distinct member ids");
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    private static ConfigException leaseError(Reader reader, String message) {
        return new ConfigException(reader.origin + ": cluster.leases." + message);
    }

    @SuppressWarnings("unchecked")
    private static List<Member> members(Reader reader, Object value, int nodeId) {
        if (value == null) return List.of();
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(reader.origin + ": cluster.members must be a non-empty list of"
                    + " {id, host, client-port, peer-port}");
        }
        if (list.size() > Limits.REPLICAS_COUNT_MAX) {
            throw new ConfigException(reader.origin + ": cluster.members has " + list.size()
                    + " entries; max " + Limits.REPLICAS_COUNT_MAX);
        }
        List<Member> members = new ArrayList<>();
        Set<Integer> ids = new TreeSet<>();
        Set<String> endpoints = new TreeSet<>();
        for (Object item : list) {
            if (!(item instanceof Map)) {
                throw new ConfigException(reader.origin + ": each cluster member must be a mapping");
            }
            Map<String, Object> entry = reader.section((Map<String, Object>) item, "members");
            int id = (int) reader.number(entry, "cluster.members[].id", -1, 1, 255);
            String host = reader.string(entry, "cluster.members[" + id + "].host", "127.0.0.1");
            int clientPort = (int) reader.number(entry, "cluster.members[" + id + "].client-port", -1, 1, PORT_MAX);
            int peerPort = (int) reader.number(entry, "cluster.members[" + id + "].peer-port", -1, 1, PORT_MAX);
            int metricsPort = (int) reader.number(entry, "cluster.members[" + id + "].metrics-port", 0, 0, PORT_MAX);
            if (!ids.add(id)) {
                throw new ConfigException(reader.origin + ": cluster member id " + id + " is declared twice");
            }
            if (!endpoints.add(host + ":" + clientPort) || !endpoints.add(host + ":" + peerPort)) {
                throw new ConfigException(reader.origin + ": cluster member " + id + " reuses address "
                        + host + " port " + clientPort + " or " + peerPort + "; every port must be distinct");
            }
            members.add(new Member(id, host, clientPort, peerPort, metricsPort));
        }
        if (!ids.contains(nodeId)) {
            throw new ConfigException(reader.origin + ": node.id " + nodeId + " is not in cluster.members "
                    + ids + "; set node.id to this node's member id");
        }
        return List.copyOf(members);
    }

    @SuppressWarnings("unchecked")
    private static Keyspaces keyspaces(Reader reader, Object value) {
        if (value == null) {
            return new Keyspaces(List.of(new Keyspaces.Keyspace("default", 0, Keyspaces.Mode.STRONG)));
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(reader.origin + ": keyspaces must be a non-empty list of"
                    + " {name, index, mode}");
        }
        if (list.size() > Limits.KEYSPACES_COUNT_MAX) {
            throw new ConfigException(reader.origin + ": " + list.size() + " keyspaces declared; max "
                    + Limits.KEYSPACES_COUNT_MAX);
        }
        List<Keyspaces.Keyspace> all = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        Set<Integer> indexes = new TreeSet<>();
        for (Object item : list) {
            if (!(item instanceof Map)) {
                throw new ConfigException(reader.origin + ": each keyspace must be a mapping");
            }
            Map<String, Object> entry = reader.section((Map<String, Object>) item, "keyspaces");
            String name = reader.string(entry, "keyspaces[].name", null);
            if (name == null || !name.matches("[a-z][a-z0-9_-]{0,63}")) {
                throw new ConfigException(reader.origin + ": keyspaces[].name = '" + name
                        + "' is invalid; use 1-64 characters of a-z, 0-9, '_' or '-', starting with a letter");
            }
            int index = (int) reader.number(entry, "keyspaces[" + name + "].index", -1, 0,
                    Limits.KEYSPACES_COUNT_MAX - 1);
            String mode = reader.string(entry, "keyspaces[" + name + "].mode", "strong")
                    .toLowerCase(Locale.ROOT);
            if (!mode.equals("strong") && !mode.equals("eventual")) {
                throw new ConfigException(reader.origin + ": keyspaces[" + name + "].mode = '" + mode
                        + "' is invalid; allowed: strong (linearizable, majority side only) or"
                        + " eventual (multimaster last-writer-wins, every side of a partition)");
            }
            String writeLevel = level(reader, entry, "keyspaces[" + name + "].write-level");
            String readLevel = level(reader, entry, "keyspaces[" + name + "].read-level");
            if (mode.equals("strong") && (entry.containsKey("write-level") || entry.containsKey("read-level"))) {
                throw new ConfigException(reader.origin + ": keyspaces[" + name + "] is strong: every"
                        + " read and write is linearizable, so write-level and read-level do not apply");
            }
            if (!names.add(name) || !indexes.add(index)) {
                throw new ConfigException(reader.origin + ": keyspace name '" + name + "' or index "
                        + index + " is declared twice");
            }
            all.add(new Keyspaces.Keyspace(name, index, mode.equals("strong") ? Keyspaces.Mode.STRONG
                    : Keyspaces.Mode.EVENTUAL, writeLevel, readLevel));
        }
        if (!indexes.contains(0)) {
            throw new ConfigException(reader.origin + ": no keyspace has index 0; index 0 is the"
                    + " default that every new connection starts in");
        }
        return new Keyspaces(List.copyOf(all));
    }

    private static String level(Reader reader, Map<String, Object> entry, String key) {
        String level = reader.string(entry, key, "ONE").toUpperCase(Locale.ROOT);
        if (kv.server.eventual.Level.parse(level) == null) {
            throw new ConfigException(reader.origin + ": " + key + " = '" + level
                    + "' is invalid; allowed: ONE, QUORUM, ALL (R + W > N reads the latest write)");
        }
        return level;
    }

    /** Reads typed values and rejects unknown keys. */
    private static final class Reader {
        final String origin;

        Reader(String origin) {
            this.origin = origin;
        }

        Map<String, Object> section(Map<String, Object> map, String name) {
            for (Object key : map.keySet()) {
                if (!(key instanceof String) || !KEYS.get(name).contains(key)) {
                    throw new ConfigException(origin + ": unknown key '"
                            + (name.isEmpty() ? "" : name + ".") + key + "'; allowed: "
                            + new TreeSet<>(KEYS.get(name)));
                }
            }
            return map;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> child(Map<String, Object> parent, String name) {
            Object value = parent.get(name);
            if (value == null) return new LinkedHashMap<>();
            if (!(value instanceof Map)) throw new ConfigException(origin + ": '" + name + "' must be a mapping");
            return section((Map<String, Object>) value, name);
        }

        String string(Map<String, Object> map, String key, String fallback) {
            Object value = map.get(key.substring(key.lastIndexOf('.') + 1));
            if (value == null) return fallback;
            if (value instanceof Map || value instanceof List) {
                throw new ConfigException(origin + ": " + key + " must be a plain value, got " + value);
            }
            return value.toString();
        }

        long number(Map<String, Object> map, String key, long fallback, long min, long max) {
            Object value = map.get(key.substring(key.lastIndexOf('.') + 1));
            long number;
            if (value == null) {
                if (fallback < min) throw new ConfigException(origin + ": " + key + " is required");
                return fallback;
            }
            if (value instanceof Integer || value instanceof Long) {
                number = ((Number) value).longValue();
            } else {
                throw new ConfigException(origin + ": " + key + " = '" + value
                        + "' is not an integer; allowed: " + min + ".." + max);
            }
            if (number < min || number > max) {
                throw new ConfigException(origin + ": " + key + " = " + number
                        + " is out of range; allowed: " + min + ".." + max);
            }
            return number;
        }
    }
}
