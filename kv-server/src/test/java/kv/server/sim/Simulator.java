package kv.server.sim;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import kv.server.InvariantViolation;
import kv.server.consensus.Entry;
import kv.server.consensus.EventLog;
import kv.server.consensus.Message;
import kv.server.consensus.ProposeResult;
import kv.server.consensus.Quorum;
import kv.server.consensus.Ready;
import kv.server.consensus.Replica;
import kv.server.consensus.ReplicaConfig;
import kv.server.consensus.Snapshot;
import kv.server.consensus.ValueKind;
import kv.server.session.ClientCommand;
import kv.server.session.SessionCheck;
import kv.server.sim.checkers.AgreementChecker;
import kv.server.sim.checkers.AppliedChecker;
import kv.server.sim.checkers.CheckFailure;
import kv.server.sim.checkers.DurabilityChecker;
import kv.server.sim.checkers.ExactlyOnceChecker;
import kv.server.sim.checkers.LeaseReadChecker;
import kv.server.sim.checkers.RegisterHistory;
import kv.server.node.PendingWriteKeys;
import kv.server.lease.ReadCheck;

/**
 * A seeded, single-threaded discrete-event simulation of a Synod group running the real
 * {@link Replica} (tigerbeetle {@code src/vopr.zig}; foundationdb simulation). Everything random
 * comes from one {@link SplittableRandom}, and events are ordered by (time, sequence), so a seed
 * replays exactly; the trace hash proves it.
 *
 * <p>Phase one runs under the seed's fault profile and checks safety after every step. Phase
 * two heals a majority (restarts it, connects it reliably, cuts off the rest) and requires every
 * client to finish a command within {@code phaseTwoTicks}, and the majority to converge.
 *
 * <p>Clients SET and GET a few registers ({@link SimCommand}). A GET goes to a random node,
 * which serves it from its own state under a quorum lease by the node's rule, else the client
 * sends it through the log; writers retry, and in phase one give up after a few timeouts. At the
 * end every register's history is checked for linearizability ({@link RegisterHistory}).
 */
public final class Simulator {
    private static final int TICK = 0;
    private static final int DELIVER = 1;
    private static final int CLIENT_REQUEST = 2;
    private static final int CLIENT_REPLY = 3;
    private static final int CLIENT_TIMEOUT = 4;
    private static final int CLIENT_NEXT = 5;
    private static final int RESTART = 6;
    private static final int PARTITION_END = 7;

    private static final int REPLY_OK = 0;
    private static final int REPLY_REDIRECT = 1;
    private static final int REPLY_ERROR = 2;
    private static final int REPLY_READ = 3;
    /** No valid lease (or the wait ran out): the client reads through the log instead. */
    private static final int REPLY_FORWARD = 4;
    /**
     * A writer gives up on a write after this many timeouts in phase one and moves on to its
     * next command, as a real client would: the write may or may not happen later, and the
     * linearizability checker must allow both (Jepsen's indeterminate operations).
     */
    private static final int WRITE_TIMEOUTS_MAX = 3;

    /**
     * Client ids: the first session of client i is CLIENT_ID_FIRST + i; each session after a
     * write it gave up on adds CLIENT_ID_STRIDE (a new session starts at sequence 1, so a write
     * of the old one that lands late is never mistaken for one of the new).
     */
    private static final long CLIENT_ID_FIRST = 1000;
    private static final long CLIENT_ID_STRIDE = 1000;
    /** A read waiting at a node for its lease or its apply goes through the log after this. */
    private static final int READ_WAIT_TICKS_MAX = kv.server.Limits.LEASE_READ_WAIT_TICKS_MAX;

    private static final class Event implements Comparable<Event> {
        long time;
        long sequence;
        int kind;
        int node;
        int client;
        long commandSequence;
        int attempt;
        int replyKind;
        byte[] result;
        Message message;
        boolean read;
        long readFloor;
        /** The command's payload (SimCommand), or for a local read the GET naming its key. */
        byte[] payload;
        /** The session (client id) a request or reply belongs to, with commandSequence. */
        long clientId;
        /** A read waiting for a read index: its request id, and the index once answered. */
        long readIndexRequest = -1;
        long readIndex = -1;

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final class Node {
        final int index;
        final SimDisk disk = new SimDisk();
        Replica replica;
        SimStateMachine stateMachine;
        /** Keys of slots accepted here and not applied: reads of them wait (as in ConsensusLog). */
        PendingWriteKeys pendingKeys;
        boolean up;
        /** Counts restarts; a tick scheduled by an earlier incarnation is ignored. */
        int incarnation;
        /** Client requests waiting for their command to apply here: client -> session, sequence. */
        final long[] pendingClientId = new long[options.clientsCount() * 2];
        final long[] pendingSequence = new long[options.clientsCount() * 2];
        /** Reads waiting here (WAIT answers), retried after every turn and tick. */
        final java.util.ArrayList<Event> pendingReads = new java.util.ArrayList<>();

        Node(int index) {
            this.index = index;
        }
    }

    private final class Client {
        final int index;
        /** The current session; a new one after a write given up on. */
        long clientId;
        long sequence = 0;
        boolean outstanding;
        int attempt;
        int target;
        byte[] firstResult;
        long ackedAfterHealCount;
        boolean reading;
        long readFloor;
        /** The current operation: its register, its payload and its id in the history. */
        int key;
        byte[] payload;
        int opId;
        /** Timeouts of the current command, for {@link #WRITE_TIMEOUTS_MAX}. */
        int timeouts;

        Client(int index) {
            this.index = index;
            this.clientId = CLIENT_ID_FIRST + index;
        }
    }

    private final SimOptions options;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final SimNetwork network;
    private final SimClock clock;
    private final Node[] nodes;
    private final Client[] clients;
    private final int membersMask;
    private final AgreementChecker agreement;
    private final AppliedChecker applied;
    private final ExactlyOnceChecker exactlyOnce;
    private final LeaseReadChecker leaseReads = new LeaseReadChecker(SimCommand.KEYS_COUNT);
    /** Every SET and GET the clients issued, judged for linearizability at the end. */
    private final RegisterHistory history = new RegisterHistory(SimCommand.KEYS_COUNT);
    private long localReadsCount;
    /** Off only to measure how often the end-to-end checkers alone catch a broken variant. */
    private final DurabilityChecker durability;
    private long now;
    private long eventSequence;
    private long traceHash = 17;
    private long eventsCount;
    private long crashesCount;
    private long corruptionsDetectedCount;
    private long snapshotsInstalledCount;
    /** Read-index request ids, unique across nodes and restarts within a run. */
    private long nextReadIndexRequest = 1;
    private long leaseHolderSetsAppliedCount;
    private boolean healed;
    private boolean clientsStopped;
    private int healedMask;

    /** -Dsim.log=true prints the replicas' event log with simulated time (for one seed). */
    private static final boolean LOG = Boolean.getBoolean("sim.log");

    private static final int RECENT_EVENTS_COUNT_MAX = 40;

    /*
     * -Dsim.profile=LEASES (or -Dsim.leases=true) runs every replica as lease holder and
     * grantor and serves reads locally; without leases every read falls back to the log. Seed
     * 1592590370 read stale until a restarted grantor honoured the grants it forgot
     * (QuorumLease, "Restart").
     */

    /** The replicas' state transitions, the last few of which a failure report shows. */
    private final java.util.ArrayDeque<String> recentEvents = new java.util.ArrayDeque<>();

    private final EventLog eventLog = new EventLog() {
        @Override
        public void info(String line) {
            record(now / 1000 + "ms " + line);
        }

        @Override
        public void warn(String line) {
            record(now / 1000 + "ms WARN " + line);
        }
    };

    private void record(String line) {
        if (LOG) System.out.println(line);
        if (recentEvents.size() == RECENT_EVENTS_COUNT_MAX) recentEvents.removeFirst();
        recentEvents.addLast(line);
    }

    private Simulator(SimOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        this.network = new SimNetwork(options, random.split());
        this.clock = new SimClock(options.replicaCount(), options.tickPeriodMicros(),
                options.clockDriftMax(), options.clockDriftAtMax(), random);
        this.membersMask = Quorum.firstMembers(options.replicaCount());
        this.agreement = new AgreementChecker(membersMask);
        this.applied = new AppliedChecker(agreement, options.replicaCount());
        this.exactlyOnce = new ExactlyOnceChecker(agreement);
        this.durability = Boolean.parseBoolean(System.getProperty("sim.checkDurability", "true"))
                ? new DurabilityChecker(options.replicaCount()) : null;
        this.nodes = new Node[options.replicaCount()];
        for (int i = 0; i < nodes.length; i++) nodes[i] = new Node(i);
        // As many read-only clients as writers: reads leave the writers' sessions as they were.
        this.clients = new Client[options.clientsCount() * 2];
        for (int i = 0; i < clients.length; i++) clients[i] = new Client(i);
    }

    public static SimResult run(SimOptions options) {
        return new Simulator(options).run();
    }

    private SimResult run() {
        String failure = null;
        RegisterHistory.Summary linearizability = new RegisterHistory.Summary(0, 0, 0, 0, 0, 0, 0);
        try {
            for (Node node : nodes) start(node);
            for (Client client : clients) schedule(CLIENT_NEXT, ticks(1), -1, client.index);
            long phaseOneEnd = ticks(options.phaseOneTicks());
            long end = phaseOneEnd + ticks(options.phaseTwoTicks());
            long stopClients = phaseOneEnd + ticks(options.phaseTwoTicks() * 3 / 4);
            while (!events.isEmpty() && events.peek().time <= end) {
                if (!healed && events.peek().time >= phaseOneEnd) heal();
                if (!clientsStopped && events.peek().time >= stopClients) clientsStopped = true;
                Event event = events.poll();
                now = event.time;
                eventsCount++;
                process(event);
            }
            if (!healed) heal();
            checkProgress();
            linearizability = history.check(0, RegisterHistory.SEARCH_STEPS_MAX);
        } catch (CheckFailure | InvariantViolation | IllegalStateException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage() + " (at "
                    + now / 1000 + " ms, event " + eventsCount + ")\n  last events:\n    "
                    + String.join("\n    ", recentEvents);
        }
        return new SimResult(options, failure, traceHash, eventsCount,
                exactlyOnce.ackedCount(), agreement.chosenCount(), crashesCount,
                corruptionsDetectedCount, snapshotsInstalledCount, localReadsCount,
                leaseHolderSetsAppliedCount, linearizability.historiesCount(), linearizability.undecidedCount(),
                history.opsCount(), linearizability.historyOpsMax(), linearizability.stepsMax(),
                linearizability.unknownWritesCount(),
                linearizability.unknownWritesObservedCount());
    }

    // ---------------------------------------------------------------- events

    private void process(Event event) {
        trace(event.kind, event.node, event.client);
        switch (event.kind) {
            case TICK -> onTick(nodes[event.node], event.attempt);
            case DELIVER -> onDeliver(event);
            case CLIENT_REQUEST -> onClientRequest(nodes[event.node], event);
            case CLIENT_REPLY -> onClientReply(clients[event.client], event);
            case CLIENT_TIMEOUT -> onClientTimeout(clients[event.client], event);
            case CLIENT_NEXT -> onClientNext(clients[event.client]);
            case RESTART -> start(nodes[event.node]);
            case PARTITION_END -> {
                if (!healed) network.clear();
            }
            default -> throw new IllegalStateException("event kind " + event.kind);
        }
    }

    private void onTick(Node node, int incarnation) {
        if (!node.up || incarnation != node.incarnation) return;
        scheduleTick(node, clock.tickPeriodMicros(node.index));
        if (!healed) injectFaults(node);
        if (!node.up) return;
        node.replica.tick();
        drive(node);
        for (Event read : node.pendingReads) read.attempt++;
        serveReads(node);
    }

    private void injectFaults(Node node) {
        if (node.index == 0 && options.partitionProbabilityPerTick() > 0
                && random.nextDouble() < options.partitionProbabilityPerTick()) {
            int leader = leaderIndex();
            if (options.profile() == SimProfile.LEASES_LEADER_LINK_CUT && leader >= 0) {
                int other = (leader + 1 + random.nextInt(options.replicaCount() - 1))
                        % options.replicaCount();
                network.cutOneWay(other, leader);
            } else if (leader >= 0 && random.nextInt(4) == 0) {
                network.isolate(leader);
            } else {
                network.partitionRandomly();
            }
            schedule(PARTITION_END, ticks(1 + random.nextInt(options.partitionTicksMax())), 0, -1);
        }
        if (options.crashProbabilityPerTick() > 0
                && random.nextDouble() < options.crashProbabilityPerTick()) {
            crash(node, false);
        }
    }

    /** The lowest-indexed node that believes it leads, or -1 (for the leader nemesis). */
    private int leaderIndex() {
        for (Node node : nodes) {
            if (node.up && node.replica.role() == kv.server.consensus.Role.LEADER) {
                return node.index;
            }
        }
        return -1;
    }

    private void onDeliver(Event event) {
        Message message = event.message;
        Node node = nodes[message.to()];
        if (!node.up || network.blocked(message.from(), message.to())) return;
        trace(message.type().ordinal(), message.from(), message.to());
        node.replica.step(message);
        drive(node);
        serveReads(node);
    }

    // ---------------------------------------------------------------- the driver (Ready loop)

    /** The node loop of STYLE.md section 1: persist, send, install, apply, advance. */
    private void drive(Node node) {
        for (int turn = 0; node.up && node.replica.hasReady(); turn++) {
            if (turn > 64) throw new IllegalStateException("node " + node.index + " never quiet");
            Ready ready = node.replica.ready();
            // Before anything of this turn leaves, as the node loop does (LeaseReads).
            for (Entry entry : ready.entriesToPersist()) node.pendingKeys.onAccepted(entry);
            // As the node loop: what may leave before the fsync leaves now, so a crash before
            // the sync can follow it (a Held vouches for memory only).
            for (Message message : ready.messagesToSend()) {
                if (message.type().mayLeaveBeforeFsync()) send(message, 0);
            }
            if (ready.mustPersist()) {
                node.disk.write(ready);
                if (!healed && options.crashBeforeSyncProbability() > 0
                        && random.nextDouble() < options.crashBeforeSyncProbability()) {
                    crash(node, false); // the write never reached the platter; nothing was sent
                    return;
                }
                node.disk.sync();
                for (Entry entry : ready.entriesToPersist()) {
                    agreement.onPersisted(node.index, entry);
                }
                if (durability != null) durability.onSynced(node.index, ready);
            }
            if (durability != null) {
                Replica replica = node.replica;
                for (Message message : ready.messagesToSend()) {
                    durability.onSend(node.index, message, replica::isChosen);
                }
            }
            long fsyncMicros = ready.mustPersist() && options.diskLatencyMicrosMax() > 0
                    ? random.nextLong(options.diskLatencyMicrosMax()) : 0;
            for (Message message : ready.messagesToSend()) {
                if (!message.type().mayLeaveBeforeFsync()) send(message, fsyncMicros);
            }
            if (!healed && !ready.messagesToSend().isEmpty()
                    && random.nextDouble() < crashAfterSendProbability(ready)) {
                crash(node, true); // sent, but the state machine never saw this turn's entries
                return;
            }
            if (ready.snapshotToInstall() != null) installSnapshot(node, ready.snapshotToInstall());
            for (Entry entry : ready.entriesToApply()) apply(node, entry);
            for (int peer : ready.snapshotsToSend()) {
                Snapshot snapshot = node.disk.snapshot();
                if (snapshot != null) node.replica.sendSnapshot(peer, snapshot);
            }
            node.replica.advance(ready);
            node.pendingKeys.appliedBelow(node.replica.appliedBelow());
            maybeSnapshot(node);
        }
    }

    /**
     * A fault point in the style of foundationdb {@code BUGGIFY}: crashes are likelier right
     * after a turn that promised, where a lost promise would do the most harm.
     */
    private double crashAfterSendProbability(Ready ready) {
        for (Message message : ready.messagesToSend()) {
            if (message.type() == kv.server.consensus.MessageType.PROMISE) {
                return Math.max(options.crashAfterPromiseProbability(),
                        options.crashAfterSendProbability());
            }
        }
        return options.crashAfterSendProbability();
    }

    /** Sends after {@code fsyncMicros}: the disk latency of the write it waited for. */
    private void send(Message message, long fsyncMicros) {
        if (network.blocked(message.from(), message.to())) return;
        int copies = network.copies();
        for (int i = 0; i < copies; i++) {
            Event event = schedule(DELIVER, fsyncMicros + network.delayMicros(), message.to(),
                    -1);
            event.message = message;
        }
    }

    private void installSnapshot(Node node, Snapshot snapshot) {
        node.stateMachine.install(snapshot);
        node.disk.saveSnapshot(snapshot);
        snapshotsInstalledCount++;
        applied.onRestored(node.index, snapshot.slotBelow(), node.stateMachine.digest);
        trace(99, node.index, (int) snapshot.slotBelow());
    }

    private void apply(Node node, Entry entry) {
        applied.onApplied(node.index, entry);
        SimStateMachine machine = node.stateMachine;
        if (entry.value().kind() == ValueKind.LEASE_HOLDERS) leaseHolderSetsAppliedCount++;
        if (entry.value().kind() == ValueKind.COMMANDS) {
            byte[][] commands = entry.value().commands();
            for (int i = 0; i < commands.length; i++) {
                applyCommand(node, entry.slot(), i, commands[i]);
            }
        }
        machine.appliedBelow = entry.slot() + 1;
        machine.sessions.expire(entry.slot());
        applied.checkDigest(node.index, machine.appliedBelow, machine.digest);
        trace(98, node.index, (int) entry.slot());
    }

    private void applyCommand(Node node, long slot, int index, byte[] command) {
        long clientId = ClientCommand.clientId(command);
        long sequence = ClientCommand.sequence(command);
        SimStateMachine machine = node.stateMachine;
        if (SimCommand.isGet(command)) {
            applyGet(node, clientId, sequence, command);
            return;
        }
        SessionCheck check = machine.sessions.check(clientId, sequence);
        byte[] result = null;
        switch (check) {
            case NEW -> {
                machine.applyNew(clientId, sequence, slot, index, SimCommand.key(command),
                        SimCommand.value(command));
                result = SimStateMachine.result(slot, index);
                machine.sessions.record(clientId, sequence, result, slot);
                exactlyOnce.onAppliedNew(node.index, clientId, sequence, slot, index);
            }
            case DUPLICATE -> result = machine.sessions.lastResult(clientId);
            case STALE, EXPIRED -> result = null;
        }
        int client = clientIndex(clientId);
        if (!pending(node, client, clientId, sequence)) return;
        reply(node.index, client, clientId, sequence, result == null ? REPLY_ERROR : REPLY_OK,
                result);
    }

    /**
     * A GET through the log reads the register where its slot stands in the chosen order: a
     * point inside the read's interval. Reads change nothing, so they skip the session table;
     * a retried GET may apply more than once, and whichever answer arrives first is as good.
     */
    private void applyGet(Node node, long clientId, long sequence, byte[] command) {
        int client = clientIndex(clientId);
        if (!pending(node, client, clientId, sequence)) return;
        long value = node.stateMachine.registers[SimCommand.key(command)];
        reply(node.index, client, clientId, sequence, REPLY_OK,
                SimStateMachine.valueResult(value));
    }

    /** True, and no longer pending, if this node waits to answer that command. */
    private static boolean pending(Node node, int client, long clientId, long sequence) {
        if (node.pendingClientId[client] != clientId || node.pendingSequence[client] != sequence) {
            return false;
        }
        node.pendingSequence[client] = 0;
        return true;
    }

    private static int clientIndex(long clientId) {
        return (int) ((clientId - CLIENT_ID_FIRST) % CLIENT_ID_STRIDE);
    }

    private void maybeSnapshot(Node node) {
        long appliedBelow = node.replica.appliedBelow();
        if (appliedBelow - node.replica.snapshotBelow() < options.snapshotIntervalSlots()) return;
        Snapshot snapshot = node.stateMachine.take(appliedBelow, node.replica.membersMask());
        node.disk.saveSnapshot(snapshot);
        node.replica.compact(appliedBelow); // the next Ready persists the new snapshotBelow
        node.disk.rewrite(node.replica.membersMask());
    }

    // ---------------------------------------------------------------- crash and restart

    private void crash(Node node, boolean quickRestart) {
        if (!node.up) return;
        node.up = false;
        node.disk.crash();
        node.replica = null;
        node.stateMachine = null;
        crashesCount++;
        trace(97, node.index, 0);
        eventLog.info("node=" + node.index + " crashed");
        // Down for anything from a fast process restart (half a millisecond) to many ticks.
        long downMicros = quickRestart ? 100 + random.nextLong(2_000)
                : 500 + random.nextLong(ticks(options.downTicksMax()));
        schedule(RESTART, downMicros, node.index, -1);
    }

    private void start(Node node) {
        if (node.up) return;
        SimDisk.Loaded loaded = node.disk.load(membersMask, random,
                healed ? 0 : options.corruptReadProbability());
        if (loaded.corrupt()) {
            // The checksum caught it: the node refuses to start rather than serve bad state.
            corruptionsDetectedCount++;
            trace(96, node.index, 0);
            eventLog.warn("node=" + node.index + " refused to start: a log record failed its"
                    + " CRC32C check");
            schedule(RESTART, ticks(1 + random.nextInt(10)), node.index, -1);
            return;
        }
        SimStateMachine machine = new SimStateMachine(options.sessionExpirySlots());
        if (loaded.snapshot() != null) machine.install(loaded.snapshot());
        ReplicaConfig config = ReplicaConfig.defaults(node.index, membersMask)
                .withBatch(options.batchCommandsCountMax(), options.pipelineSlotsCountMax())
                .withElectionTimeout(10, 10 + options.electionTimeoutTicksSpread())
                .withBrokenVariant(options.brokenVariant())
                .withLease(options.leaseProfile().config(membersMask));
        node.replica = new Replica(config, loaded.state(), eventLog,
                new SplittableRandom(random.nextLong()));
        node.stateMachine = machine;
        node.pendingKeys = new PendingWriteKeys(SIM_WRITE_KEYS);
        node.up = true;
        java.util.Arrays.fill(node.pendingSequence, 0);
        java.util.Arrays.fill(node.pendingClientId, 0);
        node.pendingReads.clear();
        applied.onRestored(node.index, machine.appliedBelow, machine.digest);
        node.incarnation++;
        scheduleTick(node, random.nextLong(clock.tickPeriodMicros(node.index)) + 1);
        drive(node);
    }

    // ---------------------------------------------------------------- clients

    private void onClientNext(Client client) {
        if (clientsStopped || client.outstanding) return;
        client.sequence++;
        client.outstanding = true;
        client.firstResult = null;
        client.attempt = 0;
        client.timeouts = 0;
        client.target = random.nextInt(nodes.length);
        client.reading = client.index >= options.clientsCount();
        client.key = random.nextInt(SimCommand.KEYS_COUNT);
        if (client.reading) {
            client.payload = SimCommand.get(client.key);
            client.opId = history.invoke(client.key, client.index, false, 0, now,
                    "read at node " + client.target);
            sendRead(client);
            return;
        }
        long value = SimCommand.uniqueValue(client.clientId, client.sequence);
        client.payload = SimCommand.set(client.key, value);
        client.opId = history.invoke(client.key, client.index, true, value, now, "write");
        sendRequest(client);
    }

    /**
     * A strong read at one node: served locally if its quorum lease allows, else (FORWARD, or
     * the bounded wait ran out) the client reads through the log, as a node would forward it.
     */
    private void sendRead(Client client) {
        client.attempt++;
        client.readFloor = leaseReads.onReadInvoked(SimCommand.payloadKey(client.payload));
        Event request = schedule(CLIENT_REQUEST, network.delayMicros(), client.target,
                client.index);
        request.clientId = client.clientId;
        request.commandSequence = client.sequence;
        request.read = true;
        request.payload = client.payload;
        Event timeout = schedule(CLIENT_TIMEOUT, ticks(options.clientTimeoutTicks()), -1,
                client.index);
        timeout.attempt = client.attempt;
        timeout.clientId = client.clientId;
        timeout.commandSequence = client.sequence;
    }

    private void onReadRequest(Node node, Event event) {
        event.attempt = 0; // ticks waited at the node
        node.pendingReads.add(event);
        serveReads(node);
    }

    /**
     * The production rule (ConsensusLog's LeaseReads): the replica's lease check, then the keys
     * of accepted-but-unapplied slots here, per key. The broken variant LEASE_READ_PENDING_KEY
     * skips the per-key wait.
     */
    private ReadCheck readCheck(Node node, int key) {
        ReadCheck check = node.replica.leaseReadCheck();
        if (check != ReadCheck.LOCAL_OK) return check;
        if (options.brokenVariant() == kv.server.consensus.BrokenVariant.LEASE_READ_PENDING_KEY) {
            return check;
        }
        return node.pendingKeys.mayReadBucket(key) ? check : ReadCheck.WAIT_WRITE;
    }

    /** SimCommand SETs write their register (bucket = register); GETs through the log write none. */
    private static final PendingWriteKeys.WriteKeys SIM_WRITE_KEYS = (encoded, out) -> {
        if (encoded.length <= kv.server.session.ClientCommand.HEADER_SIZE_BYTES) {
            out.accept(PendingWriteKeys.ALL_KEYS);
        } else if (!SimCommand.isGet(encoded)) {
            out.accept(SimCommand.key(encoded));
        }
    };

    /** The driver's read path: serve LOCAL_OK now, keep WAIT, give up on FORWARD. */
    private void serveReads(Node node) {
        if (!node.up) return;
        for (long[] answered : node.replica.drainReadIndexes()) {
            for (Event read : node.pendingReads) {
                if (read.readIndexRequest == answered[0]) read.readIndex = answered[1];
            }
        }
        for (int i = 0; i < node.pendingReads.size(); i++) {
            Event read = node.pendingReads.get(i);
            ReadCheck check = readCheck(node, SimCommand.payloadKey(read.payload));
            // Without a lease: ReadIndex, as the node's read path (ConsensusLog), then local.
            boolean indexReached = read.readIndex >= 0
                    && node.stateMachine.appliedBelow >= read.readIndex;
            if (check == ReadCheck.FORWARD && read.readIndexRequest < 0
                    && read.attempt < READ_WAIT_TICKS_MAX
                    && node.replica.requestReadIndex(nextReadIndexRequest)) {
                read.readIndexRequest = nextReadIndexRequest++;
                continue;
            }
            if (check == ReadCheck.LOCAL_OK || indexReached) {
                long value = node.stateMachine.registers[SimCommand.payloadKey(read.payload)];
                byte[] versionAndValue = java.nio.ByteBuffer.allocate(16)
                        .putLong(node.stateMachine.writeSlotBelow[SimCommand.payloadKey(read.payload)])
                        .putLong(value).array();
                reply(node.index, read.client, read.clientId, read.commandSequence, REPLY_READ,
                        versionAndValue);
            } else if ((check == ReadCheck.FORWARD && read.readIndexRequest < 0)
                    || read.attempt >= READ_WAIT_TICKS_MAX) {
                reply(node.index, read.client, read.clientId, read.commandSequence,
                        REPLY_FORWARD, null);
            } else {
                continue;
            }
            node.pendingReads.remove(i--);
        }
        if (node.replica.hasReady()) drive(node); // read-index requests to send
    }

    /** The read completed (abandon false) or the client gave up on it (abandon true). */
    private void readDone(Client client, boolean abandon) {
        if (abandon) history.abandon(client.opId);
        client.outstanding = false;
        schedule(CLIENT_NEXT, ticks(random.nextInt(options.thinkTicksMax() + 1)), -1,
                client.index);
    }

    private void sendRequest(Client client) {
        client.attempt++;
        Event request = schedule(CLIENT_REQUEST, network.delayMicros(), client.target,
                client.index);
        request.clientId = client.clientId;
        request.commandSequence = client.sequence;
        request.payload = client.payload;
        Event timeout = schedule(CLIENT_TIMEOUT, ticks(options.clientTimeoutTicks()), -1,
                client.index);
        timeout.attempt = client.attempt;
        timeout.clientId = client.clientId;
        timeout.commandSequence = client.sequence;
    }

    private void onClientRequest(Node node, Event event) {
        if (!node.up) return;
        if (event.read) {
            onReadRequest(node, event);
            return;
        }
        byte[] command = ClientCommand.encode(event.clientId, event.commandSequence,
                event.payload);
        ProposeResult result = node.replica.propose(command);
        switch (result) {
            case QUEUED -> {
                node.pendingClientId[event.client] = event.clientId;
                node.pendingSequence[event.client] = event.commandSequence;
            }
            case NOT_LEADER -> {
                Event reply = reply(node.index, event.client, event.clientId,
                        event.commandSequence,
                        REPLY_REDIRECT, null);
                reply.node = node.replica.leaderIndex();
            }
            case BUSY, TOO_LARGE -> reply(node.index, event.client, event.clientId,
                    event.commandSequence,
                    REPLY_ERROR, null);
        }
        drive(node);
    }

    private Event reply(int node, int client, long clientId, long sequence, int kind,
                        byte[] result) {
        Event event = schedule(CLIENT_REPLY, network.delayMicros(), node, client);
        event.clientId = clientId;
        event.commandSequence = sequence;
        event.replyKind = kind;
        event.result = result;
        return event;
    }

    private void onClientReply(Client client, Event event) {
        if (!client.outstanding || event.clientId != client.clientId
                || event.commandSequence != client.sequence) {
            return;
        }
        if (client.reading) {
            onReadReply(client, event);
            return;
        }
        switch (event.replyKind) {
            case REPLY_OK -> acked(client, event.result);
            case REPLY_REDIRECT -> {
                if (!clientsStopped && event.node >= 0 && event.node != client.target) {
                    client.target = event.node;
                    sendRequest(client);
                }
                // no leader known: wait for the timeout, then try the next node
            }
            case REPLY_ERROR -> { } // the timeout retries
            default -> throw new IllegalStateException("reply kind " + event.replyKind);
        }
    }

    private void onReadReply(Client client, Event event) {
        switch (event.replyKind) {
            case REPLY_READ -> {
                java.nio.ByteBuffer result = java.nio.ByteBuffer.wrap(event.result);
                long version = result.getLong();
                long value = result.getLong();
                localReadsCount++;
                if (options.leaseProfile().leaseReadCheckerOn()) {
                    leaseReads.onReadCompleted(client.index, event.node,
                            SimCommand.payloadKey(client.payload), client.readFloor, version);
                }
                history.complete(client.opId, value, now, "local read at node " + event.node);
                readDone(client, false);
            }
            case REPLY_FORWARD -> {
                if (clientsStopped) {
                    readDone(client, true);
                    return;
                }
                sendRequest(client); // a GET through the log, via the same node
            }
            case REPLY_OK -> {
                history.complete(client.opId, SimStateMachine.resultValue(event.result), now,
                        "log read via node " + event.node);
                readDone(client, false);
            }
            case REPLY_REDIRECT -> {
                if (!clientsStopped && event.node >= 0 && event.node != client.target) {
                    client.target = event.node;
                    sendRequest(client);
                }
            }
            case REPLY_ERROR -> readDone(client, true);
            default -> throw new IllegalStateException("reply kind " + event.replyKind);
        }
    }

    private void acked(Client client, byte[] result) {
        long slot = SimStateMachine.resultSlot(result);
        int index = SimStateMachine.resultIndex(result);
        exactlyOnce.onAcked(client.clientId, client.sequence, slot, index);
        leaseReads.onWriteAcked(SimCommand.payloadKey(client.payload), slot);
        history.complete(client.opId, 0, now, "write acked at slot " + slot);
        client.outstanding = false;
        if (healed) client.ackedAfterHealCount++;
        trace(95, client.index, (int) slot);
        schedule(CLIENT_NEXT, ticks(options.writerThinkTicksMin()
                + random.nextInt(options.thinkTicksMax() + 1)), -1,
                client.index);
    }

    private void onClientTimeout(Client client, Event event) {
        if (clientsStopped || !client.outstanding || event.clientId != client.clientId
                || event.commandSequence != client.sequence || event.attempt != client.attempt) {
            return;
        }
        if (client.reading) {
            readDone(client, true);
            return;
        }
        // Only under faults: once healed, the majority must serve the retries (liveness check).
        if (!healed && ++client.timeouts >= WRITE_TIMEOUTS_MAX) {
            // Given up: its outcome stays unknown in the history. The next command opens a new
            // session, since the table answers a session whose first command never applied
            // with EXPIRED; a late answer of this one names the old session and is ignored.
            client.outstanding = false;
            client.clientId += CLIENT_ID_STRIDE;
            client.sequence = 0;
            schedule(CLIENT_NEXT, ticks(random.nextInt(options.thinkTicksMax() + 1)), -1,
                    client.index);
            return;
        }
        client.target = (client.target + 1) % nodes.length;
        sendRequest(client); // same (clientId, sequence): the session table dedups
    }

    // ---------------------------------------------------------------- phase two

    private void heal() {
        healed = true;
        int majority = Quorum.majority(membersMask);
        int mask = 0;
        int start = random.nextInt(nodes.length);
        for (int i = 0; i < majority; i++) mask |= 1 << ((start + i) % nodes.length);
        healedMask = mask;
        eventLog.info("phase two: healed majority " + Integer.toBinaryString(mask));
        network.healMajority(mask);
        for (Node node : nodes) {
            if ((mask & (1 << node.index)) != 0) start(node);
        }
        trace(94, mask, 0);
    }

    private void checkProgress() {
        for (Client client : clients) {
            if (client.index < options.clientsCount() && client.ackedAfterHealCount == 0) {
                throw new CheckFailure("no progress: client " + client.index
                        + " completed no command within " + options.phaseTwoTicks()
                        + " ticks after healing majority " + Integer.toBinaryString(healedMask)
                        + " (client outstanding=" + client.outstanding + " reading="
                        + client.reading + " target=" + client.target + " attempt="
                        + client.attempt + " sequence=" + client.sequence + ")"
                        + describeNodes());
            }
        }
        long appliedMax = 0;
        for (Node node : nodes) {
            if ((healedMask & (1 << node.index)) != 0 && node.up) {
                appliedMax = Math.max(appliedMax, node.replica.appliedBelow());
            }
        }
        for (Node node : nodes) {
            if ((healedMask & (1 << node.index)) == 0) continue;
            if (!node.up || node.replica.appliedBelow() != appliedMax) {
                throw new CheckFailure("healed node " + node.index + " did not converge: applied "
                        + (node.up ? node.replica.appliedBelow() : -1) + " of " + appliedMax
                        + "; " + describeNodes());
            }
        }
    }

    private String describeNodes() {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes) {
            out.append("\n  node ").append(node.index);
            if (!node.up) {
                out.append(" down");
                continue;
            }
            Replica r = node.replica;
            out.append(' ').append(r.role()).append(" promised=")
                    .append(kv.server.consensus.Ballots.toString(r.promisedBallot()))
                    .append(" leader=").append(r.leaderIndex()).append(" chosenBelow=")
                    .append(r.chosenBelow()).append(" appliedBelow=").append(r.appliedBelow())
                    .append(" snapshotBelow=").append(r.snapshotBelow()).append(" slotEnd=")
                    .append(r.slotEnd()).append(" ticks=").append(r.ticksCount())
                    .append(" leaseValidUntil=").append(r.leaseValidUntil())
                    .append(" leaseSlotRequired=").append(r.leaseSlotRequiredBelow())
                    .append(" acceptedDeferred=").append(r.acceptedDeferredCount())
                    .append(" grants=[");
            for (Node other : nodes) out.append(r.leaseGrantExpiry(other.index)).append(' ');
            out.append(']');
            long from = Math.max(r.snapshotBelow(), r.chosenBelow() - 1);
            for (long slot = from; slot < Math.min(r.slotEnd(), from + 4); slot++) {
                out.append(" [").append(r.entry(slot)).append(r.isChosen(slot) ? " chosen" : "")
                        .append(']');
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- plumbing

    private void scheduleTick(Node node, long delayMicros) {
        schedule(TICK, delayMicros, node.index, -1).attempt = node.incarnation;
    }

    private Event schedule(int kind, long delayMicros, int node, int client) {
        Event event = new Event();
        event.time = now + delayMicros;
        event.sequence = eventSequence++;
        event.kind = kind;
        event.node = node;
        event.client = client;
        events.add(event);
        return event;
    }

    private long ticks(long count) {
        return count * options.tickPeriodMicros();
    }

    private void trace(int kind, int a, int b) {
        traceHash = SimStateMachine.mix(traceHash, now);
        traceHash = SimStateMachine.mix(traceHash, ((long) kind << 40) ^ ((long) a << 20) ^ b);
    }
}
