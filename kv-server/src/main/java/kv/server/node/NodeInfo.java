package kv.server.node;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Collectors;
import kv.server.cli.ServerConfig;
import kv.server.command.Keyspaces;
import kv.server.log.ReplicatedLog;
import kv.server.metrics.Meters;
import kv.server.resp.ClientRegistry;
import kv.server.resp.InfoSource;
import kv.server.statemachine.KeyspaceCounts;
import kv.server.storage.StateStore;

/** INFO sections in Redis' format, so redis-cli and monitoring tools read them as usual. */
final class NodeInfo implements InfoSource {
    private static final String REDIS_VERSION = "7.2.0";
    private static final String SYNOD_VERSION = "0.1.0";

    private final ServerConfig config;
    private final Meters meters;
    private final ClientRegistry clients;
    private final ReplicatedLog log;
    private final StateStore state;
    /** Consensus status in a cluster; null on a single node. */
    private final java.util.function.Supplier<ClusterStatus> cluster;
    /** The eventual driver's status; null without eventual keyspaces. */
    private final java.util.function.Supplier<EventualStatus> eventual;

    NodeInfo(ServerConfig config, Meters meters, ClientRegistry clients, ReplicatedLog log,
             StateStore state, java.util.function.Supplier<ClusterStatus> cluster,
             java.util.function.Supplier<EventualStatus> eventual) {
        this.cluster = cluster;
        this.eventual = eventual;
        this.config = config;
        this.meters = meters;
        this.clients = clients;
        this.log = log;
        this.state = state;
    }

    @Override
    public List<String> defaultSections() {
        return List.of("server", "clients", "memory", "persistence", "stats", "replication",
                "keyspace", "eventual");
    }

    @Override
    public String section(String name) {
        return switch (name) {
            case "server" -> "# Server\r\nredis_version:" + REDIS_VERSION + "\r\nsynod_version:"
                    + SYNOD_VERSION + "\r\nredis_mode:standalone\r\nos:" + System.getProperty("os.name")
                    + "\r\nprocess_id:" + ProcessHandle.current().pid() + "\r\ntcp_port:"
                    + config.clientPort() + "\r\nuptime_in_seconds:" + uptimeSeconds()
                    + "\r\nnode_id:" + config.nodeId() + "\r\n";
            case "clients" -> "# Clients\r\nconnected_clients:" + clients.count()
                    + "\r\nmaxclients:" + config.connectionsMax() + "\r\n";
            case "memory" -> {
                Runtime runtime = Runtime.getRuntime();
                long used = runtime.totalMemory() - runtime.freeMemory();
                yield "# Memory\r\nused_memory:" + used + "\r\nmaxmemory:" + runtime.maxMemory()
                        + "\r\n";
            }
            case "persistence" -> "# Persistence\r\nloading:0\r\naof_enabled:"
                    + (config.fsync() ? 1 : 0) + "\r\nsynod_fsync:"
                    + (config.fsync() ? "always" : "never") + "\r\nsynod_applied_slot:"
                    + log.appliedSlot() + "\r\n";
            case "stats" -> "# Stats\r\ntotal_commands_processed:" + meters.commandsCount()
                    + "\r\n";
            case "replication" -> replicationSection();
            case "keyspace" -> keyspaceSection();
            case "eventual" -> eventual == null ? "" : eventualSection(eventual.get());
            default -> "";
        };
    }

    /**
     * Redis fields first (role: master on the leader, slave elsewhere, so tools keep working),
     * then Synod's: consensus role, leader, ballot, chosen and applied slots.
     */
    private String replicationSection() {
        if (cluster == null) {
            return "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nsynod_role:single\r\n"
                    + "synod_replicas:1\r\nsynod_applied_slot:" + log.appliedSlot() + "\r\n";
        }
        ClusterStatus status = cluster.get();
        boolean leader = status.role().equals("leader");
        return "# Replication\r\nrole:" + (leader ? "master" : "slave") + "\r\n"
                + "synod_role:" + status.role() + "\r\nsynod_node_id:" + config.nodeId()
                + "\r\nsynod_leader_id:" + status.leaderNodeId() + "\r\nsynod_ballot:" + status.ballot()
                + "\r\nsynod_replicas:" + status.membersCount() + "\r\nsynod_chosen_below:"
                + status.chosenBelow() + "\r\nsynod_applied_below:" + status.appliedBelow()
                + (status.peerLag().isEmpty() ? "" : "\r\nsynod_peer_lag_slots:" + status.peerLag())
                + "\r\nsynod_leader_changes:" + status.leaderChangesCount()
                + "\r\nsynod_campaigns:" + status.campaignsCount() + "\r\n" + leaseFields(status.lease());
    }

    /** Quorum-lease state: INFO replication's synod_lease_* fields. */
    private static String leaseFields(LeaseStatus lease) {
        return "synod_lease_enabled:" + (lease.enabled() ? 1 : 0)
                + "\r\nsynod_lease_era:" + lease.era()
                + "\r\nsynod_lease_holders:" + lease.holders().stream().map(String::valueOf)
                        .collect(Collectors.joining(","))
                + "\r\nsynod_lease_valid_ms:" + lease.validMillis()
                + "\r\nsynod_lease_grants_held:" + lease.grantsHeld()
                + "\r\nsynod_lease_grants_given:" + lease.grantsGiven()
                + "\r\nsynod_lease_reads_local:" + lease.readsLocal()
                + "\r\nsynod_lease_reads_after_wait:" + lease.readsAfterWait()
                + "\r\nsynod_reads_by_read_index:" + lease.readsByReadIndex()
                + "\r\nsynod_lease_reads_through_leader:" + lease.readsThroughLeader()
                + "\r\nsynod_lease_writes_delayed:" + lease.writesDelayed()
                + "\r\nsynod_lease_writes_delay_ms_total:" + lease.writesDelayMillisTotal() + "\r\n";
    }

    @Override
    public List<String> members() {
        String bind = config.clientBind();
        if (cluster == null) {
            return List.of("id=" + config.nodeId() + " host=" + bind + " port=" + config.clientPort()
                    + " role=leader");
        }
        int leader = cluster.get().leaderNodeId();
        List<String> lines = new java.util.ArrayList<>();
        for (ServerConfig.Member member : config.members()) {
            String role = leader == 0 ? "unknown" : member.id() == leader ? "leader" : "follower";
            String line = "id=" + member.id() + " host=" + bind + " port=" + member.clientPort() + " role=" + role;
            if (member.id() == config.nodeId()) lines.add(0, line); else lines.add(line);
        }
        return lines;
    }

    /** One line per keyspace; reads a single counter per keyspace (admin path, not hot). */
    private String keyspaceSection() {
        StringBuilder out = new StringBuilder("# Keyspace\r\n");
        for (Keyspaces.Keyspace keyspace : config.keyspaces().all()) {
            long keys = KeyspaceCounts.keyCount(state.live(), keyspace.index());
            if (keys > 0) {
                out.append("db").append(keyspace.index()).append(":keys=").append(keys)
                        .append(",expires=0,avg_ttl=0,name=").append(keyspace.name()).append("\r\n");
            }
        }
        return out.toString();
    }

    /**
     * Eventual keyspaces as of the driver's last tick: per keyspace its digest (16 hex digits;
     * equal on two replicas when they hold the same live values, see
     * EventualReplica#keyspaceDigest), per peer its replication lag, then the counters.
     */
    private String eventualSection(EventualStatus status) {
        StringBuilder out = new StringBuilder("# Eventual\r\n");
        for (Keyspaces.Keyspace keyspace : config.keyspaces().all()) {
            if (keyspace.mode() != Keyspaces.Mode.EVENTUAL) continue;
            out.append("eventual_db").append(keyspace.index()).append(":digest=")
                    .append(String.format("%016x", status.keyspaceDigests()[keyspace.index()]))
                    .append(",name=").append(keyspace.name()).append("\r\n");
        }
        kv.server.eventual.EventualStats stats = status.stats();
        for (int peer = 0; peer < status.nodeIdByIndex().length; peer++) {
            if (peer == status.selfIndex()) continue;
            out.append("eventual_peer").append(status.nodeIdByIndex()[peer]).append(":lag_entries=")
                    .append(stats.peerLagEntries[peer]).append(",lag_ms=")
                    .append(stats.peerLagMillis[peer]).append("\r\n");
        }
        return out.append("eventual_conflicts_resolved:").append(stats.conflictsResolved)
                .append("\r\neventual_read_repairs:").append(stats.readRepairs)
                .append("\r\neventual_anti_entropy_rounds:").append(stats.antiEntropyRounds)
                .append("\r\neventual_anti_entropy_ranges_compared:")
                .append(stats.antiEntropyRangesCompared)
                .append("\r\neventual_anti_entropy_ranges_repaired:")
                .append(stats.antiEntropyRangesRepaired)
                .append("\r\neventual_anti_entropy_keys_repaired:")
                .append(stats.antiEntropyKeysRepaired)
                .append("\r\neventual_push_batches_sent:").append(stats.pushBatchesSent)
                .append("\r\neventual_push_batches_retried:").append(stats.pushBatchesRetried)
                .append("\r\neventual_messages_rejected:").append(stats.messagesRejected)
                .append("\r\neventual_writes_unavailable:").append(stats.writesUnavailable)
                .append("\r\n").toString();
    }

    private long uptimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    }
}
