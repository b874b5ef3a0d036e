package kv.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import kv.server.command.CommandType;
import kv.server.eventual.EventualStats;
import kv.server.log.LogMetrics;
import kv.server.node.EventualStatus;
import kv.server.resp.RespMetrics;
import kv.server.transport.TransportMetrics;

/**
 * Every meter name of the node in one place (STYLE.md section 7): {@code kv.<component>.<thing>},
 * base units, tags {@code node}, {@code command}, {@code result}, {@code limit}; never keys.
 */
public final class Meters implements RespMetrics, LogMetrics, TransportMetrics {
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Tags nodeTag;
    private final Timer[] commandOk = new Timer[CommandType.values().length];
    private final Timer[] commandError = new Timer[CommandType.values().length];
    private final AtomicLong connections = new AtomicLong();
    private final Counter connectionsOpened;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final DistributionSummary batchCommands;
    private final DistributionSummary batchBytes;
    private final Timer logAppend;
    private final Timer logApply;
    private final Counter busy;
    private final Timer commit;
    private final ConcurrentHashMap<Integer, AtomicLong> peerConnected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> peerDropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> peerSent = new ConcurrentHashMap<>();
    private final Counter corruptFrames;
    /** The source of the eventual meters, held strongly (see bindEventual). */
    private Supplier<EventualStatus> eventualStatus;

    public Meters(int nodeId) {
        nodeTag = Tags.of("node", Integer.toString(nodeId));
        for (CommandType type : CommandType.values()) {
            commandOk[type.ordinal()] = commandTimer(type, "ok");
            commandError[type.ordinal()] = commandTimer(type, "error");
        }
        Gauge.builder("kv.resp.connections", connections, AtomicLong::get).tags(nodeTag)
                .description("Open client connections").register(registry);
        connectionsOpened = Counter.builder("kv.resp.connections.opened").tags(nodeTag)
                .register(registry);
        bytesIn = Counter.builder("kv.resp.received").baseUnit("bytes").tags(nodeTag).register(registry);
        bytesOut = Counter.builder("kv.resp.sent").baseUnit("bytes").tags(nodeTag).register(registry);
        batchCommands = DistributionSummary.builder("kv.log.batch.commands").tags(nodeTag)
                .description("Commands per log slot").register(registry);
        batchBytes = DistributionSummary.builder("kv.log.batch.size").baseUnit("bytes").tags(nodeTag)
                .register(registry);
        logAppend = Timer.builder("kv.log.append.latency").tags(nodeTag)
                .description("Durable log append per batch, including fsync").publishPercentiles(0.5, 0.99)
                .register(registry);
        logApply = Timer.builder("kv.log.apply.latency").tags(nodeTag)
                .description("State machine apply and state write per batch").register(registry);
        busy = Counter.builder("kv.log.rejected.busy").tags(nodeTag).register(registry);
        commit = Timer.builder("kv.consensus.commit.latency").tags(nodeTag)
                .description("From a command's arrival at this node to its apply here, forwarding included")
                .publishPercentiles(0.5, 0.99).register(registry);
        corruptFrames = Counter.builder("kv.transport.frames.corrupt").tags(nodeTag)
                .description("Peer frames that failed their length, version or CRC check").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Timer commandTimer(CommandType type, String result) {
        return Timer.builder("kv.command.latency").tags(nodeTag)
                .tag("command", type.wireName).tag("result", result)
                .description("Command latency from dispatch to reply").register(registry);
    }

    /**
     * Registers a gauge (RocksDB properties and the like) read at scrape time. Held strongly:
     * Micrometer keeps a weak reference by default, and a source such as a method reference
     * that only the gauge holds would be collected, turning the gauge into NaN.
     */
    public <T> void gauge(String name, String baseUnit, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).baseUnit(baseUnit).tags(nodeTag).strongReference(true)
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public long connections() {
        return connections.get();
    }

    public long commandsCount() {
        long total = 0;
        for (Timer timer : commandOk) total += timer.count();
        for (Timer timer : commandError) total += timer.count();
        return total;
    }

    @Override
    public void onCommand(CommandType type, long latencyNanos, boolean error) {
        (error ? commandError : commandOk)[type.ordinal()].record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onConnectionOpened() {
        connections.incrementAndGet();
        connectionsOpened.increment();
    }

    @Override
    public void onConnectionClosed() {
        connections.decrementAndGet();
    }

    @Override
    public void onBytesIn(long bytes) {
        bytesIn.increment(bytes);
    }

    @Override
    public void onBytesOut(long bytes) {
        bytesOut.increment(bytes);
    }

    @Override
    public void onRejected(String limit) {
        rejected.computeIfAbsent(limit, name -> Counter.builder("kv.limit.rejected")
                .tags(nodeTag).tag("limit", name)
                .description("Requests refused by a limit").register(registry)).increment();
    }

    @Override
    public void onBatch(int commandsCount, int sizeBytes, long appendNanos, long applyNanos) {
        batchCommands.record(commandsCount);
        batchBytes.record(sizeBytes);
        logAppend.record(appendNanos, TimeUnit.NANOSECONDS);
        logApply.record(applyNanos, TimeUnit.NANOSECONDS);
    }

    /** Consensus gauges read from the node loop's last published status at scrape time. */
    public void bindConsensus(java.util.function.Supplier<kv.server.node.ClusterStatus> status) {
        gauge("kv.consensus.leader", null, status, s -> s.get().leaderNodeId());
        gauge("kv.consensus.is.leader", null, status, s -> s.get().role().equals("leader") ? 1 : 0);
        gauge("kv.consensus.chosen.below", null, status, s -> s.get().chosenBelow());
        gauge("kv.consensus.applied.below", null, status, s -> s.get().appliedBelow());
        gauge("kv.consensus.leader.changes", null, status, s -> s.get().leaderChangesCount());
        gauge("kv.consensus.elections", null, status, s -> s.get().campaignsCount());
        gauge("kv.consensus.slots.in.flight", null, status, s -> s.get().slotsInFlight());
        gauge("kv.consensus.snapshots.sent", null, status, s -> s.get().snapshotsSentCount());
        gauge("kv.consensus.snapshots.installed", null, status, s -> s.get().snapshotsInstalledCount());
        gauge("kv.lease.valid", "milliseconds", status, s -> s.get().lease().validMillis());
        gauge("kv.lease.grants.held", null, status, s -> s.get().lease().grantsHeld());
        gauge("kv.lease.grants.given", null, status, s -> s.get().lease().grantsGiven());
        counter("kv.lease.reads", "strong reads by how they were served", status,
                s -> s.get().lease().readsLocal(), "path", "local");
        counter("kv.lease.reads", "strong reads by how they were served", status,
                s -> s.get().lease().readsAfterWait(), "path", "local_after_wait");
        counter("kv.lease.reads", "strong reads by how they were served", status,
                s -> s.get().lease().readsByReadIndex(), "path", "read_index");
        counter("kv.lease.reads", "strong reads by how they were served", status,
                s -> s.get().lease().readsThroughLeader(), "path", "leader");
        counter("kv.lease.writes.delayed", "write batches chosen late, waiting for lease holders",
                status, s -> s.get().lease().writesDelayed());
        counter("kv.lease.writes.delay.seconds", "time write batches waited for lease holders",
                status, s -> s.get().lease().writesDelayMillisTotal() / 1000.0);
        gauge("kv.lease.era", null, status, s -> s.get().lease().era());
        gauge("kv.lease.holders", null, status, s -> s.get().lease().holders().size());
    }

    private <T> void counter(String name, String description, T source,
                             java.util.function.ToDoubleFunction<T> value, String... tags) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, source, value).tags(nodeTag)
                .tags(tags).description(description).register(registry);
    }

    /**
     * Eventual keyspaces' gauges and counters, read from the driver's last published status
     * (once per tick) at scrape time: replication lag per peer in entries and seconds,
     * anti-entropy rounds, ranges compared and repaired, read repairs, conflicts resolved.
     */
    public void bindEventual(Supplier<EventualStatus> status) {
        // Function counters keep only a weak reference to their source: hold it here.
        eventualStatus = status;
        EventualStatus first = status.get();
        for (int peer = 0; peer < first.nodeIdByIndex().length; peer++) {
            if (peer == first.selfIndex()) continue;
            int index = peer;
            Tags peerTag = nodeTag.and("peer", Integer.toString(first.nodeIdByIndex()[peer]));
            Gauge.builder("kv.eventual.replication.lag.entries", status,
                            s -> s.get().stats().peerLagEntries[index]).tags(peerTag)
                    .strongReference(true)
                    .description("Update log entries the peer has not acknowledged")
                    .register(registry);
            Gauge.builder("kv.eventual.replication.lag", status,
                            s -> s.get().stats().peerLagMillis[index] / 1000.0).tags(peerTag)
                    .baseUnit("seconds").strongReference(true)
                    .description("Age of the oldest update the peer has not acknowledged")
                    .register(registry);
        }
        eventualCounter("kv.eventual.antientropy.rounds", status, e -> e.antiEntropyRounds, null);
        eventualCounter("kv.eventual.antientropy.ranges.compared", status,
                e -> e.antiEntropyRangesCompared, null);
        eventualCounter("kv.eventual.antientropy.ranges.repaired", status,
                e -> e.antiEntropyRangesRepaired, null);
        eventualCounter("kv.eventual.antientropy.keys.repaired", status,
                e -> e.antiEntropyKeysRepaired, null);
        eventualCounter("kv.eventual.read.repairs", status, e -> e.readRepairs, null);
        eventualCounter("kv.eventual.conflicts.resolved", status, e -> e.conflictsResolved, null);
        eventualCounter("kv.eventual.writes", status, e -> e.writesAcknowledged, "acknowledged");
        eventualCounter("kv.eventual.writes", status, e -> e.writesUnavailable, "unavailable");
        eventualCounter("kv.eventual.reads", status, e -> e.readsUnavailable, "unavailable");
        eventualCounter("kv.eventual.push.batches", status, e -> e.pushBatchesSent, "sent");
        eventualCounter("kv.eventual.push.batches", status, e -> e.pushBatchesRetried, "retried");
        eventualCounter("kv.eventual.push.updates", status, e -> e.pushUpdatesSent, null);
        eventualCounter("kv.eventual.tombstones.dropped", status, e -> e.tombstonesDropped, null);
        eventualCounter("kv.eventual.log.overflowed", status, e -> e.logEntriesOverflowed, null);
        eventualCounter("kv.eventual.messages.rejected", status, e -> e.messagesRejected, null);
        eventualCounter("kv.eventual.requests.busy", status, e -> e.requestsBusy, null);
    }

    private void eventualCounter(String name, Supplier<EventualStatus> status,
                                 ToDoubleFunction<EventualStats> value, String result) {
        FunctionCounter.Builder<Supplier<EventualStatus>> builder = FunctionCounter.builder(name,
                status, s -> value.applyAsDouble(s.get().stats())).tags(nodeTag);
        if (result != null) builder.tag("result", result);
        builder.register(registry);
    }

    @Override
    public void onConnected(int peerNodeId, boolean up) {
        peerConnected.computeIfAbsent(peerNodeId, peer -> {
            AtomicLong state = new AtomicLong();
            Gauge.builder("kv.transport.peer.connected", state, AtomicLong::get).tags(nodeTag)
                    .tag("peer", Integer.toString(peer)).register(registry);
            return state;
        }).set(up ? 1 : 0);
    }

    @Override
    public void onDropped(int peerNodeId) {
        peerDropped.computeIfAbsent(peerNodeId, peer -> Counter.builder("kv.transport.frames.dropped")
                .tags(nodeTag).tag("peer", Integer.toString(peer))
                .description("Frames dropped: peer down or its queue full (consensus retransmits)")
                .register(registry)).increment();
    }

    @Override
    public void onCorruptFrame(String reason) {
        corruptFrames.increment();
    }

    @Override
    public void onSent(int peerNodeId, int bytes) {
        peerSent.computeIfAbsent(peerNodeId, peer -> Counter.builder("kv.transport.sent")
                .baseUnit("bytes").tags(nodeTag).tag("peer", Integer.toString(peer))
                .register(registry)).increment(bytes);
    }

    @Override
    public void onCommitted(long latencyNanos) {
        commit.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onRejectedBusy() {
        busy.increment();
        onRejected("inbound_queue_count_max");
    }
}
