package kv.bench.jmh;

import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import kv.server.consensus.DurableState;
import kv.server.consensus.Entry;
import kv.server.consensus.EventLog;
import kv.server.consensus.Message;
import kv.server.consensus.Quorum;
import kv.server.consensus.Ready;
import kv.server.consensus.Replica;
import kv.server.consensus.ReplicaConfig;
import kv.server.consensus.Role;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Multi-Paxos steady state, consensus core only: three replicas in one JVM and one thread,
 * messages handed over in memory, persistence a no-op. One invocation proposes a batch of
 * commands at the leader and runs Ready loops until the batch is chosen and applied on the
 * leader; followers apply it via the piggybacked chosen prefix. Score: commands chosen per
 * second. Run with {@code -prof gc} for bytes allocated per command.
 *
 * <pre>java -jar kv-bench/target/benchmarks.jar ConsensusBenchmark -f 1 -wi 2 -i 3 -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ConsensusBenchmark {
    static final int BATCH_COMMANDS_COUNT = 100;
    static final int COMPACT_INTERVAL_SLOTS = 4096;

    @Param({"16"})
    int commandSizeBytes;

    Replica[] replicas;
    ArrayList<Message> inflight;
    ArrayList<Message> delivering;
    byte[][] commands;
    long appliedCount;

    @Setup(Level.Trial)
    public void setup() {
        int members = Quorum.firstMembers(3);
        replicas = new Replica[3];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 3; i++) {
            ReplicaConfig config = ReplicaConfig.defaults(i, members)
                    .withBatch(BATCH_COMMANDS_COUNT, 64);
            replicas[i] = new Replica(config, DurableState.empty(members), EventLog.NONE,
                    random.split());
        }
        inflight = new ArrayList<>();
        delivering = new ArrayList<>();
        commands = new byte[BATCH_COMMANDS_COUNT][];
        for (int i = 0; i < commands.length; i++) commands[i] = new byte[commandSizeBytes];
        replicas[0].campaign();
        drain(null);
        if (replicas[0].role() != Role.LEADER) throw new IllegalStateException("no leader");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_COMMANDS_COUNT)
    public long chooseBatch(Blackhole blackhole) {
        Replica leader = replicas[0];
        long chosenBefore = leader.chosenBelow();
        for (byte[] command : commands) leader.propose(command);
        drain(blackhole);
        if (leader.chosenBelow() <= chosenBefore) throw new IllegalStateException("not chosen");
        if (leader.appliedBelow() - leader.snapshotBelow() >= COMPACT_INTERVAL_SLOTS) {
            for (Replica replica : replicas) replica.compact(replica.appliedBelow());
        }
        return leader.chosenBelow();
    }

    /** Ready loops on every replica and in-memory delivery until nothing is in flight. */
    private void drain(Blackhole blackhole) {
        do {
            for (Replica replica : replicas) process(replica, blackhole);
            ArrayList<Message> swap = delivering;
            delivering = inflight;
            inflight = swap;
            for (int i = 0; i < delivering.size(); i++) {
                Message message = delivering.get(i);
                replicas[message.to()].step(message);
            }
            delivering.clear();
        } while (!inflight.isEmpty() || anyReady());
    }

    private boolean anyReady() {
        for (Replica replica : replicas) if (replica.hasReady()) return true;
        return false;
    }

    private void process(Replica replica, Blackhole blackhole) {
        while (replica.hasReady()) {
            Ready ready = replica.ready();
            // persist: nothing (the benchmark measures the core, not the disk)
            inflight.addAll(ready.messagesToSend());
            for (Entry entry : ready.entriesToApply()) {
                appliedCount += entry.value().commands().length;
                if (blackhole != null) blackhole.consume(entry);
            }
            replica.advance(ready);
        }
    }
}
