package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import kv.server.command.Command;
import kv.server.command.Reply;
import kv.server.statemachine.Bytes;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateCursor;

/**
 * A seeded, single-threaded simulation of eventual replicas (STYLE.md section 8; after
 * tigerbeetle's VOPR: the seed picks the fault profile too). Phase one: clients write and read
 * at random levels on random nodes while the network delays, drops, duplicates, reorders and
 * partitions, nodes crash (losing their open turn) and restart from their disks, wall clocks
 * skew and jump back, and in some profiles one disk is wiped. Phase two: everything heals and
 * the run continues until the replicas are quiet and identical, within a time budget.
 *
 * <p>Checkers: (1) convergence: every replica holds the same records and versions; (2) every
 * key ends at the greatest version written and persisted (so no acknowledged write is lost
 * unless a greater version superseded it; writes that lived only on a wiped disk excepted);
 * (3) R + W > N: a QUORUM read after a QUORUM write acknowledged returns that write or a newer.
 */
final class EventualSimulator {
    static final int KEYSPACE = 1;
    static final long TICK_MILLIS = 10;
    /** Convergence budget after heal: 100 anti-entropy rounds per node. */
    static final long HEAL_MILLIS_MAX = 5_000;
    static final long START_WALL_MILLIS = 1_700_000_000_000L;
    /** Longer than the longest network delay, so no frame spans two checks unseen. */
    static final long QUIET_CHECK_MILLIS = 100;

    record Options(long seed, int nodesCount, double dropProbability, double duplicateProbability,
                   int delayMillisMax, boolean partitions, double crashProbabilityPerMillis,
                   boolean wipeOneDisk, int opsCount, int faultMillis, int keysCount,
                   boolean registers, EventualBrokenVariant variant) {

        /** The seed chooses the fault profile (tigerbeetle options_swarm). */
        static Options swarm(long seed, int nodesCount, EventualBrokenVariant variant) {
            SplittableRandom random = new SplittableRandom(seed ^ 0x5eed);
            boolean wipeOneDisk = random.nextInt(4) == 0;
            return new Options(seed, nodesCount,
                    random.nextInt(4) == 0 ? 0 : random.nextDouble() * 0.2,
                    random.nextDouble() * 0.1,
                    1 + random.nextInt(random.nextBoolean() ? 5 : 60),
                    random.nextInt(3) != 0,
                    random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.002,
                    wipeOneDisk,
                    50 + random.nextInt(250),
                    1000 + random.nextInt(2000),
                    2 + random.nextInt(12),
                    // A wiped disk may hold the only copies a QUORUM read needs: no R+W>N check.
                    !wipeOneDisk,
                    variant);
        }

        /** Only the convergence and final-version checkers judge the run. */
        Options withoutRegisters() {
            return new Options(seed, nodesCount, dropProbability, duplicateProbability,
                    delayMillisMax, partitions, crashProbabilityPerMillis, wipeOneDisk, opsCount,
                    faultMillis, keysCount, false, variant);
        }
    }

    record Result(boolean passed, String failure, long traceHash, int writesAcknowledged,
                  int writesPersisted, long simulatedMillis, EventualStats stats) {}

    private final Options options;
    private final SplittableRandom random;
    private final SimNetwork network;
    private final TestNode[] nodes;
    private final long[] wallSkewMillis;
    private final long[] downUntilMillis;
    private final List<List<SimHistory.Write>> openTurnWrites = new ArrayList<>();
    private final boolean[] touched;
    private final SimHistory history = new SimHistory();
    /** Write request id -> its writes (one per key), to mark them acknowledged. */
    private final TreeMap<Long, List<SimHistory.Write>> writesByRequest = new TreeMap<>();
    private final List<SimRegister> registers = new ArrayList<>();
    private long nowMillis;
    private long requestIdNext = 1;
    private long valueNext;
    private long traceHash = 17;
    private boolean wiped;
    /** Replicas were identical at the previous quiet check, with this content hash. */
    private long identicalHashPrevious = -1;
    private String failure;

    private EventualSimulator(Options options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.network = new SimNetwork(options.nodesCount(), random, options.dropProbability(),
                options.duplicateProbability(), options.delayMillisMax());
        int n = options.nodesCount();
        nodes = new TestNode[n];
        wallSkewMillis = new long[n];
        downUntilMillis = new long[n];
        touched = new boolean[n];
        for (int i = 0; i < n; i++) {
            EventualConfig config = EventualConfig.defaults(i, (1 << n) - 1)
                    .withTimings(500 * EventualConfig.MILLIS_NANOS,
                            500 * EventualConfig.MILLIS_NANOS, 60 * EventualConfig.MILLIS_NANOS,
                            50 * EventualConfig.MILLIS_NANOS)
                    .withTombstoneGraceMillis(3_600_000)
                    // Longer than a frame stays in flight here (SimNetwork delays at most 60 ms).
                    .withTombstoneSettleNanos(200 * EventualConfig.MILLIS_NANOS)
                    .withBrokenVariant(options.variant());
            wallSkewMillis[i] = random.nextInt(401) - 200;
            nodes[i] = new TestNode(config, new TestClock(START_WALL_MILLIS + wallSkewMillis[i]));
            openTurnWrites.add(new ArrayList<>());
        }
        if (options.registers()) {
            for (int i = 0; i < 3; i++) registers.add(new SimRegister("r" + i));
        }
    }

    static Result run(Options options) {
        return new EventualSimulator(options).run();
    }

    private Result run() {
        long end = options.faultMillis() + HEAL_MILLIS_MAX;
        for (nowMillis = 0; nowMillis < end && failure == null; nowMillis++) {
            boolean faultPhase = nowMillis < options.faultMillis();
            if (nowMillis == options.faultMillis()) healEverything();
            setClocks();
            if (faultPhase) injectFaults();
            deliver();
            if (faultPhase) clientStep();
            for (SimRegister register : registers) register.step(this, faultPhase);
            tick();
            finishTurns(faultPhase);
            if (!faultPhase && nowMillis % QUIET_CHECK_MILLIS == 0 && quietAndIdentical()) break;
        }
        if (failure == null) failure = converged();
        if (failure == null) failure = checkFinalVersions();
        int acknowledged = 0;
        int persisted = 0;
        for (SimHistory.Write write : history.writes) {
            if (write.acknowledged) acknowledged++;
            if (write.persisted) persisted++;
        }
        return new Result(failure == null, failure, traceHash, acknowledged, persisted, nowMillis,
                statsTotal());
    }

    /** Counters summed over the replicas as they are now (restarts reset a replica's). */
    private EventualStats statsTotal() {
        EventualStats total = new EventualStats();
        for (TestNode node : nodes) {
            if (!node.isUp()) continue; // a run that failed during faults
            EventualStats s = node.replica.stats();
            total.readRepairs += s.readRepairs;
            total.antiEntropyKeysRepaired += s.antiEntropyKeysRepaired;
            total.pushBatchesRetried += s.pushBatchesRetried;
            total.writesUnavailable += s.writesUnavailable;
            total.conflictsResolved += s.conflictsResolved;
            total.tombstonesDropped += s.tombstonesDropped;
            total.messagesRejected += s.messagesRejected;
        }
        return total;
    }

    // Time and faults.

    private void setClocks() {
        for (int i = 0; i < nodes.length; i++) {
            nodes[i].clock.nanos = nowMillis * 1_000_000;
            nodes[i].clock.wallMillis = START_WALL_MILLIS + wallSkewMillis[i] + nowMillis;
        }
    }

    private void injectFaults() {
        if (options.partitions() && random.nextInt(400) == 0) network.partitionRandomly();
        if (options.partitions() && random.nextInt(300) == 0) network.heal();
        if (random.nextInt(1000) == 0) {
            wallSkewMillis[random.nextInt(nodes.length)] -= random.nextInt(500); // jumps back
        }
        for (int i = 0; i < nodes.length; i++) {
            if (!nodes[i].isUp() && nowMillis >= downUntilMillis[i]) restart(i);
        }
        if (random.nextDouble() < options.crashProbabilityPerMillis()) {
            int victim = random.nextInt(nodes.length);
            if (nodes[victim].isUp()) crash(victim, 50 + random.nextInt(500));
        }
    }

    private void crash(int node, long downMillis) {
        openTurnWrites.get(node).clear(); // the open turn never reached the disk
        nodes[node].crash();
        touched[node] = false;
        downUntilMillis[node] = nowMillis + downMillis;
        trace(node, -1);
    }

    private void restart(int node) {
        if (options.wipeOneDisk() && !wiped && random.nextBoolean()) {
            wiped = true;
            markWritesOnlyOn(node);
            nodes[node].wipe();
        }
        nodes[node].start();
        touched[node] = true;
    }

    /** Before wiping {@code node}: writes no other disk holds (or supersedes) may be lost. */
    private void markWritesOnlyOn(int node) {
        for (SimHistory.Write write : history.writes) {
            if (!write.persisted || write.lostWithDisk) continue;
            boolean heldElsewhere = false;
            for (int other = 0; other < nodes.length && !heldElsewhere; other++) {
                if (other == node) continue;
                Version held = durableVersion(nodes[other], write.key);
                heldElsewhere = held.compareTo(write.version) >= 0;
            }
            if (!heldElsewhere) write.lostWithDisk = true;
        }
    }

    /** The version {@code node}'s disk holds for {@code key}: its value's stamp or tombstone. */
    private static Version durableVersion(TestNode node, String key) {
        byte[] meta = KeyRecords.meta(node.durableState, KEYSPACE, TestCluster.bytes(key));
        if (meta != null) return Version.ofStamp(KeyRecords.versionOfMeta(meta));
        byte[] raw = node.durableMetadata.get(EventualLayout.version(KEYSPACE,
                TestCluster.bytes(key)));
        return raw == null ? Version.ZERO : new Version(Bytes.getLong(raw, 0), raw[8] & 0xff);
    }

    private void healEverything() {
        network.heal();
        network.faulty = false;
        for (int i = 0; i < nodes.length; i++) {
            if (!nodes[i].isUp()) restart(i);
        }
    }

    // Inputs.

    private void deliver() {
        for (SimNetwork.Frame frame : network.due(nowMillis)) {
            TestNode to = nodes[frame.to()];
            if (!to.isUp()) continue;
            to.replica.onMessage(frame.from(), frame.frameType(), frame.body());
            touched[frame.to()] = true;
            trace(frame.to(), frame.body().length);
        }
    }

    private void tick() {
        for (int i = 0; i < nodes.length; i++) {
            if (!nodes[i].isUp() || (nowMillis + i) % TICK_MILLIS != 0) continue;
            nodes[i].replica.tick(nodes[i].clock.nanos);
            touched[i] = true;
        }
    }

    private void clientStep() {
        if (random.nextInt(options.faultMillis()) >= options.opsCount()) return;
        int node = randomUpNode();
        if (node < 0) return;
        Level level = Level.values()[random.nextInt(3)];
        int k = random.nextInt(options.keysCount());
        String value = "v" + valueNext++;
        int choice = random.nextInt(100);
        if (choice < 35) {
            write(node, level, value, "SET", "s" + k, value);
        } else if (choice < 45) {
            int other = random.nextInt(options.keysCount());
            write(node, level, null, "MSET", "s" + k, value, "s" + other, value + "m");
        } else if (choice < 55) {
            String[] prefixes = {"s", "h", "z", "c"};
            write(node, level, null, "DEL", prefixes[random.nextInt(4)] + k);
        } else if (choice < 65) {
            write(node, level, null, "HSET", "h" + k, "f" + random.nextInt(3), value);
        } else if (choice < 75) {
            write(node, level, null, "ZADD", "z" + k, Long.toString(valueNext),
                    "m" + random.nextInt(3));
        } else if (choice < 80) {
            write(node, level, null, "INCR", "c" + k);
        } else {
            String[][] reads = {{"GET", "s" + k}, {"HGETALL", "h" + k}, {"MGET", "s" + k, "s0"},
                {"ZRANGE", "z" + k, "0", "-1"}};
            read(node, level, reads[random.nextInt(reads.length)]);
        }
    }

    int randomUpNode() {
        int start = random.nextInt(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            int node = (start + i) % nodes.length;
            if (nodes[node].isUp()) return node;
        }
        return -1;
    }

    /** Issues a write and records the version each key got (MSET values get a suffix). */
    long write(int node, Level level, String setValue, String... words) {
        long requestId = requestIdNext++;
        Command command = TestNode.command(KEYSPACE, words);
        List<byte[]> keys = EventualCommands.keysOf(command);
        Version[] before = new Version[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            before[i] = nodes[node].replica.valueOf(KEYSPACE, keys.get(i)).version();
        }
        nodes[node].replica.write(requestId, command, level);
        touched[node] = true;
        List<SimHistory.Write> writes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Versioned after = nodes[node].replica.valueOf(KEYSPACE, keys.get(i));
            if (!after.version().isNewerThan(before[i])) continue; // the command changed nothing
            String key = new String(keys.get(i), java.nio.charset.StandardCharsets.UTF_8);
            SimHistory.Write write = new SimHistory.Write(requestId, node, key, after.version(),
                    after.isTombstone(), keys.size() == 1 ? setValue : null, level);
            writes.add(write);
            history.add(write);
            openTurnWrites.get(node).add(write);
        }
        writesByRequest.put(requestId, writes);
        return requestId;
    }

    long read(int node, Level level, String... words) {
        long requestId = requestIdNext++;
        nodes[node].replica.read(requestId, TestNode.command(KEYSPACE, words), level);
        touched[node] = true;
        return requestId;
    }

    SimHistory history() {
        return history;
    }

    long nowMillis() {
        return nowMillis;
    }

    boolean nodeIsUp(int node) {
        return nodes[node].isUp();
    }

    void fail(String why) {
        if (failure == null) failure = "t=" + nowMillis + "ms " + why;
    }

    // Turns.

    private void finishTurns(boolean faultPhase) {
        for (int i = 0; i < nodes.length; i++) {
            if (!touched[i] || !nodes[i].isUp()) continue;
            touched[i] = false;
            // A crash between the inputs and the persist loses the whole open turn.
            if (faultPhase && random.nextDouble() < options.crashProbabilityPerMillis() * 5) {
                crash(i, 20 + random.nextInt(300));
                continue;
            }
            for (EventualReady.OutboundMessage message : nodes[i].turn()) {
                network.send(nowMillis, i, message.toNodeIndex(), message.frameType(),
                        message.body());
            }
            for (SimHistory.Write write : openTurnWrites.get(i)) write.persisted = true;
            openTurnWrites.get(i).clear();
            for (EventualReady.ReplyToSend reply : nodes[i].replies) onReply(reply);
            nodes[i].replies.clear();
        }
    }

    private void onReply(EventualReady.ReplyToSend reply) {
        trace(reply.requestId(), reply.reply().isError() ? 1 : 2);
        List<SimHistory.Write> writes = writesByRequest.remove(reply.requestId());
        if (writes != null && !reply.reply().isError()) {
            for (SimHistory.Write write : writes) {
                if (!write.persisted) fail("acknowledged before persisted: " + write);
                write.acknowledged = true;
            }
        }
        for (SimRegister register : registers) register.onReply(this, reply.requestId(),
                reply.reply());
    }

    private void trace(long a, long b) {
        traceHash = (traceHash * 31 + nowMillis) * 31 + a * 1_000_003 + b;
    }

    // Checkers.

    /**
     * Whether the replicas were identical now and at the previous check: every frame in flight at
     * the previous check has landed since (delays are shorter), so a run stopped here has
     * nothing left that could change it except anti-entropy, which finds nothing to repair.
     */
    private boolean quietAndIdentical() {
        long hash = contentsHash(nodes[0]);
        for (int i = 1; i < nodes.length; i++) {
            if (contentsHash(nodes[i]) != hash) {
                identicalHashPrevious = -1;
                return false;
            }
        }
        boolean stable = hash == identicalHashPrevious;
        identicalHashPrevious = hash;
        return stable;
    }

    private static long contentsHash(TestNode node) {
        long hash = 1;
        for (String line : contents(node)) hash = hash * 1_000_003 + line.hashCode();
        return hash & Long.MAX_VALUE;
    }

    /** Null if every replica holds the same records and versions, else the first difference. */
    private String converged() {
        List<String> reference = null;
        for (int i = 0; i < nodes.length; i++) {
            List<String> contents = contents(nodes[i]);
            if (reference == null) {
                reference = contents;
            } else if (!reference.equals(contents)) {
                return "replicas 0 and " + i + " differ after heal: " + firstDifference(reference,
                        contents);
            }
        }
        return null;
    }

    /**
     * A node's durable data as text: live versions and state records, except the per-node
     * "lastDelete" counter (a WATCH aid that eventual keyspaces do not replicate) and tombstones
     * (a node may have collected one another still holds; both read as absent).
     */
    private static List<String> contents(TestNode node) {
        List<String> out = new ArrayList<>();
        byte[] versionPrefix = {EventualLayout.TAG_VERSION};
        byte[] versionEnd = Bytes.prefixEnd(versionPrefix);
        try (StateCursor cursor = node.metadata.scan(versionPrefix, versionEnd)) {
            for (; cursor.valid(); cursor.next()) {
                if (cursor.value()[9] == 1) continue;
                out.add("version " + hex(cursor.key()) + "=" + hex(cursor.value()));
            }
        }
        byte[] lastDelete = "lastDelete".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (StateCursor cursor = node.state.scan(new byte[0], null)) {
            for (; cursor.valid(); cursor.next()) {
                byte[] key = cursor.key();
                if (key.length > 2 && key[1] == 0 && java.util.Arrays.equals(
                        java.util.Arrays.copyOfRange(key, 2, key.length), lastDelete)) {
                    continue;
                }
                out.add("record " + hex(key) + "=" + hex(cursor.value()));
            }
        }
        return out;
    }

    private static String firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "(end)";
            String y = i < b.size() ? b.get(i) : "(end)";
            if (!x.equals(y)) return x + " vs " + y;
        }
        return "none";
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(b >= 0x21 && b < 0x7f ? String.valueOf((char) b)
                    : String.format("\\x%02x", b & 0xff));
        }
        return out.toString();
    }

    /**
     * Each key ends at the greatest persisted version that survived (or at a greater one that
     * lived only on the wiped disk but was already on its way), live or deleted as that write
     * was; every acknowledged write is therefore that one or older.
     */
    private String checkFinalVersions() {
        for (var entry : history.survivingByKey().entrySet()) {
            SimHistory.Write greatest = null;
            for (SimHistory.Write write : entry.getValue()) {
                if (greatest == null || write.version.isNewerThan(greatest.version)) {
                    greatest = write;
                }
            }
            for (int i = 0; i < nodes.length; i++) {
                Versioned held = nodes[i].replica.valueOf(KEYSPACE,
                        TestCluster.bytes(entry.getKey()));
                String problem = judge(entry.getKey(), greatest, held);
                if (problem != null) return "node " + i + ": " + problem;
            }
        }
        return null;
    }

    private String judge(String key, SimHistory.Write greatest, Versioned held) {
        // A delete holds where the key reads absent: its tombstone kept, collected, or an older
        // tombstone. Tombstones stay out of the digests (a collected one must not look
        // different), so a replica that got only an older delete keeps it while the newest one's
        // writer lost its log (seed 5002943); should a value between the two appear, the digests
        // differ and the range comparison carries the newest tombstone everywhere.
        if (held.isTombstone() && greatest.delete
                && held.version().compareTo(greatest.version) <= 0) {
            return null;
        }
        SimHistory.Write match = null;
        for (SimHistory.Write write : history.writes) {
            if (write.persisted && write.key.equals(key) && write.version.equals(held.version())) {
                match = write;
            }
        }
        if (match == null || held.version().compareTo(greatest.version) < 0
                || match.delete != held.isTombstone()) {
            for (SimHistory.Write write : history.writes) {
                if (write.acknowledged && write.key.equals(key) && !write.lostWithDisk
                        && write.version.isNewerThan(held.version())) {
                    return "acknowledged write lost: " + write + "; replica holds " + held;
                }
            }
            return "key " + key + " holds " + held + " but the greatest write is " + greatest;
        }
        return null;
    }
}
