package kv.server.consensus;

import kv.server.Assert;
import kv.server.Limits;
import kv.server.lease.LeaseConfig;

/**
 * Static configuration of one replica. Membership here is only the bootstrap value: the first
 * leader writes it into the log as a CONFIG entry, and from then on the log is the truth.
 *
 * <p>Timeouts are in ticks. With a 10 ms tick, heartbeats every 2 ticks and an election timeout
 * of 10-20 ticks detect a dead leader within 100-200 ms; a wider range makes split votes rarer
 * but failover slower.
 */
public record ReplicaConfig(
        int nodeIndex,
        int membersMask,
        int heartbeatIntervalTicks,
        int electionTimeoutTicksMin,
        int electionTimeoutTicksMax,
        int batchCommandsCountMax,
        int batchSizeBytesMax,
        int pipelineSlotsCountMax,
        BrokenVariant brokenVariant,
        LeaseConfig lease) {

    public ReplicaConfig {
        Assert.that(nodeIndex >= 0 && nodeIndex < Limits.REPLICAS_COUNT_MAX,
                "node index %d out of range", nodeIndex);
        Assert.that((membersMask & Quorum.bit(nodeIndex)) != 0, "node %d is not a member",
                nodeIndex);
        Assert.that(heartbeatIntervalTicks >= 1, "heartbeat interval %d ticks",
                heartbeatIntervalTicks);
        Assert.that(heartbeatIntervalTicks < electionTimeoutTicksMin,
                "heartbeat %d ticks must be below election timeout %d ticks",
                heartbeatIntervalTicks, electionTimeoutTicksMin);
        Assert.that(electionTimeoutTicksMin < electionTimeoutTicksMax,
                "election timeout range %d..%d ticks", electionTimeoutTicksMin,
                electionTimeoutTicksMax);
        Assert.that(batchCommandsCountMax >= 1
                        && batchCommandsCountMax <= Limits.BATCH_COMMANDS_COUNT_MAX,
                "batch commands %d out of range", batchCommandsCountMax);
        Assert.that(batchSizeBytesMax >= 1 && batchSizeBytesMax <= Limits.BATCH_SIZE_BYTES_MAX,
                "batch size %d bytes out of range", batchSizeBytesMax);
        Assert.that(pipelineSlotsCountMax >= 1
                        && pipelineSlotsCountMax <= Limits.PIPELINE_SLOTS_COUNT_MAX,
                "pipeline %d slots out of range", pipelineSlotsCountMax);
        Assert.that(brokenVariant != null, "broken variant must be set (NONE in production)");
        Assert.that(lease != null, "lease config must be set (LeaseConfig.off() for none)");
        Assert.that(!lease.enabled() || lease.writeWaitTicksMax() < electionTimeoutTicksMin * 4L,
                "a write may wait %d ticks for a silent holder: keep it well below 4 election"
                        + " timeouts (%d ticks)", lease.writeWaitTicksMax(),
                electionTimeoutTicksMin * 4L);
    }

    public static ReplicaConfig defaults(int nodeIndex, int membersMask) {
        return new ReplicaConfig(nodeIndex, membersMask, 2, 10, 20,
                Limits.BATCH_COMMANDS_COUNT_MAX, Limits.BATCH_SIZE_BYTES_MAX,
                Limits.PIPELINE_SLOTS_COUNT_MAX, BrokenVariant.NONE, LeaseConfig.off());
    }

    public ReplicaConfig withBrokenVariant(BrokenVariant variant) {
        return new ReplicaConfig(nodeIndex, membersMask, heartbeatIntervalTicks,
                electionTimeoutTicksMin, electionTimeoutTicksMax, batchCommandsCountMax,
                batchSizeBytesMax, pipelineSlotsCountMax, variant, lease);
    }

    public ReplicaConfig withNodeIndex(int index) {
        return new ReplicaConfig(index, membersMask, heartbeatIntervalTicks,
                electionTimeoutTicksMin, electionTimeoutTicksMax, batchCommandsCountMax,
                batchSizeBytesMax, pipelineSlotsCountMax, brokenVariant, lease);
    }

    public ReplicaConfig withElectionTimeout(int ticksMin, int ticksMax) {
        return new ReplicaConfig(nodeIndex, membersMask, heartbeatIntervalTicks, ticksMin,
                ticksMax, batchCommandsCountMax, batchSizeBytesMax, pipelineSlotsCountMax,
                brokenVariant, lease);
    }

    public ReplicaConfig withBatch(int commandsCountMax, int pipelineSlotsMax) {
        return new ReplicaConfig(nodeIndex, membersMask, heartbeatIntervalTicks,
                electionTimeoutTicksMin, electionTimeoutTicksMax, commandsCountMax,
                batchSizeBytesMax, pipelineSlotsMax, brokenVariant, lease);
    }

    public ReplicaConfig withLease(LeaseConfig leaseConfig) {
        return new ReplicaConfig(nodeIndex, membersMask, heartbeatIntervalTicks,
                electionTimeoutTicksMin, electionTimeoutTicksMax, batchCommandsCountMax,
                batchSizeBytesMax, pipelineSlotsCountMax, brokenVariant, leaseConfig);
    }
}
