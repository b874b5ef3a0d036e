package kv.server.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kv.server.Clock;
import kv.server.StartRefused;
import kv.server.consensus.ReplicaConfig;
import kv.server.lease.LeaseConfig;
import kv.server.eventual.EventualConfig;
import kv.server.eventual.EventualMessageType;
import kv.server.eventual.KeyspaceModeCheck;
import kv.server.storage.rocksdb.RocksEventualStore;
import kv.server.storage.rocksdb.RocksConsensusStore;
import kv.server.transport.PeerAddress;
import kv.server.transport.netty.NettyPeerTransport;
import java.util.SortedMap;
import java.util.TreeMap;
import kv.server.cli.ServerConfig;
import kv.server.log.LocalReadPath;
import kv.server.log.ReadPath;
import kv.server.log.ReplicatedLog;
import kv.server.log.SingleNodeLog;
import kv.server.metrics.Meters;
import kv.server.metrics.MetricsHttpServer;
import kv.server.resp.ClientRegistry;
import kv.server.resp.RespContext;
import kv.server.resp.RespServer;
import kv.server.statemachine.KvStateMachine;
import kv.server.storage.rocksdb.RocksLogStore;
import kv.server.storage.rocksdb.RocksStateStore;
import kv.server.storage.rocksdb.RocksStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one node: storage, log, read path, RESP front end, metrics. Closing stops them all. */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final RocksStorage storage;
    private final ReplicatedLog log;
    private final ReadPath reads;
    private final NettyPeerTransport transport;
    private final EventualDriver eventual;
    private final RespServer resp;
    private final MetricsHttpServer metricsHttp;

    public Node(ServerConfig config) throws InterruptedException, IOException {
        Meters meters = new Meters(config.nodeId());
        storage = new RocksStorage(config.dataDir(), config.blockCacheBytes());
        RocksStateStore state = new RocksStateStore(storage);
        KvStateMachine stateMachine = new KvStateMachine();
        ServerConfig.Member self = config.self();
        int[] nodeIdByIndex = nodeIdByIndex(config);
        int selfIndex = indexOf(nodeIdByIndex, config.nodeId());
        RocksEventualStore eventualStore = new RocksEventualStore(storage);
        String modeProblem = KeyspaceModeCheck.problem(eventualStore.state(),
                eventualStore.metadata(), config.keyspaces());
        if (modeProblem != null) {
            storage.close();
            throw new StartRefused(modeProblem);
        }
        eventual = !config.keyspaces().hasEventual() ? null : new EventualDriver(
                EventualConfig.defaults(selfIndex, (1 << nodeIdByIndex.length) - 1)
                        .withKeyspaces(config.keyspaces().eventualMask()), nodeIdByIndex,
                eventualStore, config.fsync(), Clock.SYSTEM);
        ConsensusLog consensus = null;
        if (self == null) {
            log = new SingleNodeLog(new RocksLogStore(storage), state, stateMachine, config.fsync(),
                    meters, config.nodeId());
            reads = new LocalReadPath(state, stateMachine, config.readThreads(), config.nodeId());
            transport = null;
        } else {
            consensus = startConsensus(config, state, stateMachine, meters);
            log = consensus;
            reads = consensus;
            transport = startTransport(config, consensus, eventual, meters);
            consensus.start(transport);
            meters.bindConsensus(consensus::status);
        }
        if (eventual != null) {
            eventual.start(transport);
            meters.bindEventual(eventual::status);
        }
        ConsensusLog cluster = consensus;
        meters.gauge("kv.rocksdb.keys.estimated", null, storage,
                s -> s.stateProperty("rocksdb.estimate-num-keys"));
        meters.gauge("kv.rocksdb.sst.size", "bytes", storage,
                s -> s.stateProperty("rocksdb.total-sst-files-size"));
        meters.gauge("kv.rocksdb.memtable.size", "bytes", storage,
                s -> s.stateProperty("rocksdb.cur-size-all-mem-tables"));
        meters.gauge("kv.log.applied.slot", null, log, ReplicatedLog::appliedSlot);
        ClientRegistry clients = new ClientRegistry();
        NodeInfo info = new NodeInfo(config, meters, clients, log, state,
                cluster == null ? null : cluster::status,
                eventual == null ? null : eventual::status);
        resp = new RespServer(new RespContext(config.keyspaces(), log, reads, meters, info,
                configValues(config), config.connectionsMax(), clients, eventual),
                config.clientBind(), self == null ? config.clientPort() : self.clientPort(),
                config.ioThreads());
        int metricsPort = self == null ? config.metricsPort() : self.metricsPort();
        metricsHttp = metricsPort == 0 ? null : new MetricsHttpServer(config.metricsBind(),
                metricsPort, meters, () -> health(config.nodeId(), log, cluster));
        LOG.info("node={} role={} ready port={} metricsPort={} dataDir={} fsync={} keyspaces={}",
                config.nodeId(), self == null ? "single" : "replica", resp.port(), metricsPort, config.dataDir(),
                config.fsync() ? "always" : "never", config.keyspaces().all().size());
    }

    /** What consensus snapshots carry: the strong keyspaces and the session table. */
    private static int[] strongKeyspaceIndexes(ServerConfig config) {
        java.util.stream.IntStream keyspaces = config.keyspaces().all().stream()
                .filter(keyspace -> keyspace.mode() == kv.server.command.Keyspaces.Mode.STRONG)
                .mapToInt(kv.server.command.Keyspaces.Keyspace::index);
        return java.util.stream.IntStream.concat(keyspaces,
                java.util.Arrays.stream(kv.server.statemachine.SessionRecords.PREFIXES)).toArray();
    }

    /** /health: up, plus the consensus role and leader in a cluster. */
    private static String health(int nodeId, ReplicatedLog log, ConsensusLog cluster) {
        String base = "{\"status\":\"up\",\"node\":" + nodeId + ",\"appliedSlot\":" + log.appliedSlot();
        if (cluster == null) return base + ",\"role\":\"single\"}";
        ClusterStatus status = cluster.status();
        return base + ",\"role\":\"" + status.role() + "\",\"leader\":" + status.leaderNodeId() + "}";
    }

    /** Node ids by replica index (members sorted by id); {1} style for a single node. */
    private static int[] nodeIdByIndex(ServerConfig config) {
        if (config.members().isEmpty()) return new int[] {config.nodeId()};
        return byId(config).stream().mapToInt(ServerConfig.Member::id).toArray();
    }

    private static int indexOf(int[] nodeIdByIndex, int nodeId) {
        for (int i = 0; i < nodeIdByIndex.length; i++) {
            if (nodeIdByIndex[i] == nodeId) return i;
        }
        throw new IllegalStateException("node " + nodeId + " is not a member");
    }

    /** Members sorted by id: a member's index in this order is its consensus node index. */
    private static List<ServerConfig.Member> byId(ServerConfig config) {
        List<ServerConfig.Member> members = new ArrayList<>(config.members());
        members.sort(Comparator.comparingInt(ServerConfig.Member::id));
        return members;
    }

    private ConsensusLog startConsensus(ServerConfig config, RocksStateStore state,
                                        KvStateMachine stateMachine, Meters meters) {
        List<ServerConfig.Member> members = byId(config);
        int[] nodeIdByIndex = new int[members.size()];
        int selfIndex = -1;
        for (int i = 0; i < members.size(); i++) {
            nodeIdByIndex[i] = members.get(i).id();
            if (members.get(i).id() == config.nodeId()) selfIndex = i;
        }
        int membersMask = (1 << members.size()) - 1;
        ReplicaConfig defaults = ReplicaConfig.defaults(selfIndex, membersMask);
        ReplicaConfig replicaConfig = new ReplicaConfig(selfIndex, membersMask,
                defaults.heartbeatIntervalTicks(), defaults.electionTimeoutTicksMin(),
                defaults.electionTimeoutTicksMax(), defaults.batchCommandsCountMax(),
                defaults.batchSizeBytesMax(), defaults.pipelineSlotsCountMax(),
                defaults.brokenVariant(), leaseConfig(config.cluster(), nodeIdByIndex));
        return new ConsensusLog(replicaConfig, nodeIdByIndex,
                new RocksConsensusStore(storage, config.fsync()), state, stateMachine, Clock.SYSTEM,
                meters, TimeUnit.MILLISECONDS.toNanos(config.cluster().tickMillis()),
                TimeUnit.MILLISECONDS.toNanos(config.cluster().requestTimeoutMillis()),
                config.cluster().snapshotIntervalSlots(), strongKeyspaceIndexes(config),
                new LocalReadPath(state, stateMachine, config.readThreads(), config.nodeId()));
    }

    /** The config's lease settings in ticks; holders as a mask of replica indexes. */
    public static LeaseConfig leaseConfig(ServerConfig.Cluster cluster, int[] nodeIdByIndex) {
        ServerConfig.Leases leases = cluster.leases();
        if (!leases.enabled()) return LeaseConfig.off();
        int holdersMask = 0;
        for (int index = 0; index < nodeIdByIndex.length; index++) {
            if (leases.holderIds().isEmpty() || leases.holderIds().contains(nodeIdByIndex[index])) {
                holdersMask |= 1 << index;
            }
        }
        int tick = cluster.tickMillis();
        // Era 1: the configuration is static today, so every node starts in the same era.
        return new LeaseConfig(1, holdersMask, leases.durationMillis() / tick,
                leases.guardMillis() / tick, leases.renewMillis() / tick, leases.clockDriftPpm());
    }

    /** One transport for both protocols: frames 100..127 are eventual, the rest consensus. */
    private static NettyPeerTransport startTransport(ServerConfig config, ConsensusLog consensus,
                                                     EventualDriver eventual, Meters meters)
            throws InterruptedException {
        List<PeerAddress> peers = new ArrayList<>();
        for (ServerConfig.Member member : config.members()) {
            peers.add(new PeerAddress(member.id(), member.host(), member.peerPort()));
        }
        ServerConfig.Member self = config.self();
        return new NettyPeerTransport(new PeerAddress(self.id(), self.host(), self.peerPort()),
                peers, frame -> {
                    if (eventual != null && EventualMessageType.isEventual(frame.type())) eventual.onFrame(frame);
                    else consensus.onFrame(frame);
                }, meters,
                TimeUnit.MILLISECONDS.toNanos(config.cluster().peerDelayMillis()));
    }

    /** CONFIG GET answers; clients such as redis-benchmark ask for save and appendonly. */
    private static SortedMap<String, String> configValues(ServerConfig config) {
        SortedMap<String, String> values = new TreeMap<>();
        values.put("save", "");
        values.put("appendonly", config.fsync() ? "yes" : "no");
        values.put("appendfsync", config.fsync() ? "always" : "no");
        values.put("databases", Integer.toString(config.keyspaces().all().size()));
        values.put("port", Integer.toString(config.clientPort()));
        values.put("bind", config.clientBind());
        values.put("maxclients", Integer.toString(config.connectionsMax()));
        values.put("maxmemory", "0");
        values.put("timeout", "0");
        values.put("dir", config.dataDir().toAbsolutePath().toString());
        return values;
    }

    public int clientPort() {
        return resp.port();
    }

    @Override
    public void close() {
        resp.close();
        if (metricsHttp != null) metricsHttp.close();
        reads.close();
        log.close();
        if (eventual != null) eventual.close();
        if (transport != null) transport.close();
        storage.close();
    }
}
