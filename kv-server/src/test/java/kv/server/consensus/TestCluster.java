package kv.server.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A test driver for a few replicas in one thread: honours the Ready contract (persist, then
 * send, then apply), keeps each replica's durable state in memory so a replica can restart from
 * it, and queues messages for explicit, ordered delivery. Deterministic for a given seed.
 */
final class TestCluster {
    static final class Durable {
        long promisedBallot;
        long chosenBelow;
        long snapshotBelow;
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        Snapshot snapshot;
    }

    final int membersMask;
    final Replica[] replicas;
    final Durable[] durable;
    final List<List<Entry>> applied = new ArrayList<>();
    final ArrayList<Message> queue = new ArrayList<>();
    final ArrayList<String> events = new ArrayList<>();
    final boolean[] down;
    /** Links cut in both directions: messages between the two are lost. */
    final boolean[][] cut;
    /** The snapshot a node's state machine was last replaced with, if any. */
    final Snapshot[] installed;
    private final ReplicaConfig[] configs;
    private final SplittableRandom random;

    TestCluster(int count, long seed) {
        this(count, seed, BrokenVariant.NONE);
    }

    TestCluster(int count, long seed, BrokenVariant variant) {
        this(count, seed, variant, null);
    }

    /** With {@code lease} (null for none) as every replica's quorum-lease configuration. */
    TestCluster(int count, long seed, BrokenVariant variant, LeaseConfigFactory lease) {
        membersMask = Quorum.firstMembers(count);
        random = new SplittableRandom(seed);
        replicas = new Replica[count];
        durable = new Durable[count];
        configs = new ReplicaConfig[count];
        down = new boolean[count];
        cut = new boolean[count][count];
        installed = new Snapshot[count];
        for (int i = 0; i < count; i++) {
            configs[i] = ReplicaConfig.defaults(i, membersMask).withBrokenVariant(variant);
            if (lease != null) configs[i] = configs[i].withLease(lease.config(membersMask));
            durable[i] = new Durable();
            applied.add(new ArrayList<>());
            replicas[i] = new Replica(configs[i], DurableState.empty(membersMask), log(),
                    new SplittableRandom(random.nextLong()));
        }
    }

    /** Builds the lease configuration once the members are known. */
    interface LeaseConfigFactory {
        kv.server.lease.LeaseConfig config(int membersMask);
    }

    void configure(int node, ReplicaConfig config) {
        configs[node] = config;
        restart(node);
    }

    private EventLog log() {
        return new EventLog() {
            @Override
            public void info(String line) {
                events.add(line);
            }

            @Override
            public void warn(String line) {
                events.add("WARN " + line);
            }
        };
    }

    Replica replica(int node) {
        return replicas[node];
    }

    /** Runs the Ready loop of one node; returns the messages it sent. */
    List<Message> process(int node) {
        ArrayList<Message> sent = new ArrayList<>();
        Replica replica = replicas[node];
        while (replica.hasReady()) {
            Ready ready = replica.ready();
            persist(node, ready);
            for (Message message : ready.messagesToSend()) {
                if (!down[message.to()] && !down[node] && !cut[node][message.to()]) {
                    queue.add(message);
                }
                sent.add(message);
            }
            if (ready.snapshotToInstall() != null) {
                durable[node].snapshot = ready.snapshotToInstall();
                applied.get(node).clear();
                installed[node] = ready.snapshotToInstall();
            }
            applied.get(node).addAll(ready.entriesToApply());
            for (int peer : ready.snapshotsToSend()) {
                if (durable[node].snapshot != null) {
                    replica.sendSnapshot(peer, durable[node].snapshot);
                }
            }
            replica.advance(ready);
        }
        return sent;
    }

    private void persist(int node, Ready ready) {
        Durable state = durable[node];
        if (ready.durableStateChanged()) {
            state.promisedBallot = ready.promisedBallot();
            state.chosenBelow = ready.chosenBelow();
            state.snapshotBelow = ready.snapshotBelow();
        }
        for (Entry entry : ready.entriesToPersist()) state.entries.put(entry.slot(), entry);
    }

    /** Delivers, in order, queued messages matching the filter (at most limit); returns them. */
    List<Message> deliver(Predicate<Message> filter, int limit) {
        ArrayList<Message> delivered = new ArrayList<>();
        for (int i = 0; i < queue.size() && delivered.size() < limit; ) {
            Message message = queue.get(i);
            if (!filter.test(message)) {
                i++;
                continue;
            }
            queue.remove(i);
            delivered.add(message);
        }
        for (Message message : delivered) {
            if (down[message.to()]) continue;
            replicas[message.to()].step(message);
            process(message.to());
        }
        return delivered;
    }

    List<Message> drop(Predicate<Message> filter, int limit) {
        ArrayList<Message> dropped = new ArrayList<>();
        for (int i = 0; i < queue.size() && dropped.size() < limit; ) {
            if (filter.test(queue.get(i))) dropped.add(queue.remove(i));
            else i++;
        }
        return dropped;
    }

    /** Delivers everything until no message is queued; returns what was delivered. */
    List<Message> stabilize() {
        ArrayList<Message> delivered = new ArrayList<>();
        for (int round = 0; !queue.isEmpty(); round++) {
            if (round > 10_000) throw new IllegalStateException("never stable");
            delivered.addAll(deliver(m -> true, Integer.MAX_VALUE));
        }
        return delivered;
    }

    void tick(int node, int count) {
        for (int i = 0; i < count; i++) {
            replicas[node].tick();
            process(node);
        }
    }

    /** Crash and restart from durable state only; the state machine restarts from scratch. */
    void restart(int node) {
        Durable state = durable[node];
        long snapshotBelow = state.snapshot == null ? 0 : state.snapshot.slotBelow();
        ArrayList<Entry> entries = new ArrayList<>(state.entries.tailMap(snapshotBelow).values());
        replicas[node] = new Replica(configs[node], new DurableState(state.promisedBallot,
                Math.max(state.chosenBelow, snapshotBelow), Math.max(state.snapshotBelow,
                snapshotBelow), snapshotBelow, membersMask, entries), log(),
                new SplittableRandom(random.nextLong()));
        applied.get(node).clear();
        installed[node] = state.snapshot;
        queue.removeIf(m -> m.to() == node);
        process(node);
    }

    /** The commands applied by a node, in order, as strings (no-ops and configs skipped). */
    List<String> appliedCommands(int node) {
        ArrayList<String> commands = new ArrayList<>();
        if (installed[node] != null) {
            commands.add("snapshot(" + new String(installed[node].data(),
                    java.nio.charset.StandardCharsets.UTF_8) + ")");
        }
        for (Entry entry : applied.get(node)) {
            for (byte[] command : entry.value().commands()) {
                commands.add(new String(command, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return commands;
    }

    static byte[] bytes(String command) {
        return command.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
