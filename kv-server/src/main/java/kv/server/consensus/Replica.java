package kv.server.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import kv.server.Assert;
import kv.server.Limits;
import kv.server.lease.LeaseConfig;
import kv.server.lease.QuorumLease;
import kv.server.lease.ReadCheck;

/**
 * One Multi-Paxos replica: proposer, acceptor and learner in one deterministic state machine.
 * Single-threaded; no I/O, clock or unseeded randomness. Every effect is returned in a
 * {@link Ready} (etcd-io/raft {@code rawnode.go}).
 *
 * <p>Slots below {@code chosenBelow} are chosen and held (or compacted below
 * {@code snapshotBelow}); slots below {@code appliedBelow} were handed to the state machine.
 * Invariant: {@code snapshotBelow <= appliedBelow <= chosenBelow}.
 */
public final class Replica {
    private final ReplicaConfig config;
    private final EventLog eventLog;
    private final RandomGenerator random;
    private final ReplicaStats stats = new ReplicaStats();
    private final int nodeIndex;
    private final int selfBit;
    /** Members as replicated state: bootstrap from config, then from chosen CONFIG entries. */
    private int membersMask;

    private Role role = Role.FOLLOWER;
    /** Highest ballot promised; durable before any message that depends on it leaves. */
    private long promisedBallot;
    /** The promise as it will be persisted (differs only under PROMISE_NOT_PERSISTED). */
    private long promisedBallotDurable;
    /** Highest ballot seen in any message: a new campaign goes above it. */
    private long ballotSeen;
    /** Own ballot while candidate or leader. */
    private long ballot;
    private int leaderIndex = -1;

    private final SlotLog slots;
    private long snapshotBelow;
    private long chosenBelow;
    /**
     * The slot end this replica had accepted when it started: slots it accepted in an earlier
     * life whose keys its driver no longer tracks, so no local read before they are applied.
     */
    private final long acceptedBelowAtStart;
    /** Leader: the chosenBelow its last Accept or Heartbeat to every peer carried. */
    private long chosenAnnouncedBelow;
    private long appliedBelow;

    private int ticksSinceLeaderHeard;
    private int electionElapsedTicks;
    private int electionTimeoutTicks;
    private int heartbeatElapsedTicks;
    private int quorumCheckElapsedTicks;

    // Candidate: promises gathered and the highest-ballot entry per slot they reported.
    private int promisesMask;
    private long prepareSlotFrom;
    private final TreeMap<Long, Entry> promisedEntries = new TreeMap<>();

    // Leader: next slot to propose, queued commands, per-peer progress.
    private long slotNext;
    private final ArrayList<byte[]> pending = new ArrayList<>();
    private long pendingSizeBytes;
    private int heardMask;
    private final long[] peerChosenBelow = new long[Limits.REPLICAS_COUNT_MAX];
    /**
     * Our tick count when each peer last answered in our ballot (lease holder upkeep), and the
     * peers that answered at all since we became leader.
     */
    private final long[] peerHeardTick = new long[Limits.REPLICAS_COUNT_MAX];
    private int peersAnsweredMask;
    /** The slot of our LEASE_HOLDERS proposal not yet applied here; -1 if none. */
    private long leaseHoldersProposedSlot = -1;

    // Work for the next Ready.
    private boolean durableDirty;
    private ArrayList<Entry> persistBuffer = new ArrayList<>();
    private ArrayList<Message> outbox = new ArrayList<>();
    private int snapshotsToSendMask;
    private Snapshot snapshotToInstall;
    private boolean readyOutstanding;
    private long readyAppliedEnd;

    // Quorum leases (null when off). Time is the count of tick() calls since construction.
    private final QuorumLease lease;
    /** Random per construction: a promise anchored in an earlier incarnation is ignored. */
    private final long incarnation;
    private long ticksCount;
    /**
     * Acceptor: acceptances sent with a lease wait mask (see {@link Message.Accepted}), kept
     * until their slots are chosen or the mask empties: {to, ballot, slotFirst, slotEnd,
     * tickSent, waitMask} each. When a holder drops out of the mask (it acknowledged a promise
     * reporting the slots, or its grant expired) the acceptance is sent again with the smaller
     * mask.
     */
    private final ArrayList<long[]> acceptedDeferred = new ArrayList<>();
    /**
     * Leader: acceptances that count only once the holders in their wait mask hold the slots in
     * our ballot: {from, slotFirst, slotEnd, waitMask} each.
     */
    private final ArrayList<long[]> conditionalVotes = new ArrayList<>();
    private static final long[] NO_INCARNATIONS = new long[0];
    /** Scratch: our grants' holder incarnations by node, refreshed before each use. */
    private final long[] selfWaitIncarnations = new long[Limits.REPLICAS_COUNT_MAX];

    // ReadIndex (strong reads without a lease).
    /** Leader: requests waiting for a confirmation round: {origin node, requestId, round}. */
    private final ArrayList<long[]> readRequests = new ArrayList<>();
    /** Leader: the latest confirmation round sent, the latest a majority confirmed. */
    private long readRoundSent;
    private long readRoundConfirmed;
    private int readRoundAcks;
    /** Leader: slots below this were found in phase 1; the chosen prefix is complete past it. */
    private long electionSlotEnd;
    /**
     * Follower: one read-index request to the leader at a time, answering every read that was
     * waiting when it left; reads that come meanwhile wait for the next (the leader's round
     * must start after a read came for the answer to cover it).
     */
    private ArrayList<Long> readIndexQueued = new ArrayList<>();
    private List<Long> readIndexInFlight;
    private long readIndexBatch;
    private long readIndexSentTick;
    /** Read indexes answered here since the driver last asked: {requestId, index} each. */
    private ArrayList<long[]> readIndexesDone = new ArrayList<>();

    // Snapshot being received in chunks.
    private byte[] snapshotAssembly;
    private long snapshotAssemblySlotBelow = -1;
    private int snapshotAssemblyMembers;
    private int snapshotAssemblyOffset;

    public Replica(ReplicaConfig config, DurableState restored, EventLog eventLog,
                   RandomGenerator random) {
        this.config = config;
        this.eventLog = eventLog;
        this.random = random;
        this.nodeIndex = config.nodeIndex();
        this.selfBit = Quorum.bit(nodeIndex);
        this.membersMask = restored.membersMask() != 0 ? restored.membersMask()
                : config.membersMask();
        Assert.that(restored.snapshotBelow() <= restored.appliedBelow(),
                "restored snapshot %d above applied %d", restored.snapshotBelow(),
                restored.appliedBelow());
        this.promisedBallot = restored.promisedBallot();
        this.promisedBallotDurable = restored.promisedBallot();
        this.ballotSeen = restored.promisedBallot();
        this.snapshotBelow = restored.snapshotBelow();
        this.slots = new SlotLog(snapshotBelow);
        for (Entry entry : restored.entries()) {
            if (entry.slot() >= snapshotBelow) slots.put(entry);
            ballotSeen = Math.max(ballotSeen, entry.ballot());
        }
        long chosen = Math.max(restored.chosenBelow(), restored.appliedBelow());
        for (long slot = snapshotBelow; slot < chosen; slot++) slots.markChosen(slot);
        this.chosenBelow = chosen;
        this.appliedBelow = restored.appliedBelow();
        this.acceptedBelowAtStart = slots.slotEnd();
        this.electionTimeoutTicks = randomElectionTimeout();
        if (config.lease().enabled()) {
            this.lease = new QuorumLease(config.lease(), nodeIndex,
                    config.brokenVariant() == BrokenVariant.LEASE_IGNORE_DRIFT,
                    config.brokenVariant() == BrokenVariant.LEASE_DROPPED_HOLDER_NO_WAIT);
            long drawn = random.nextLong();
            while (drawn == 0) drawn = random.nextLong(); // 0 means "no incarnation known"
            this.incarnation = drawn;
        } else {
            this.lease = null;
            this.incarnation = 0;
        }
        if (Assert.VERIFY) checkInvariants();
    }

    // ---------------------------------------------------------------- inputs

    public void step(Message message) {
        Assert.that(message.to() == nodeIndex, "message for %d stepped into %d", message.to(),
                nodeIndex);
        switch (message.type()) {
            case PREPARE -> onPrepare((Message.Prepare) message);
            case PROMISE -> onPromise((Message.Promise) message);
            case ACCEPT -> onAccept((Message.Accept) message);
            case ACCEPTED -> onAccepted((Message.Accepted) message);
            case REFUSE -> onRefuse((Message.Refuse) message);
            case HEARTBEAT -> onHeartbeat((Message.Heartbeat) message);
            case HEARTBEAT_REPLY -> onHeartbeatReply((Message.HeartbeatReply) message);
            case LEARN -> onLearn((Message.Learn) message);
            case SNAPSHOT_CHUNK -> onSnapshotChunk((Message.SnapshotChunk) message);
            case LEASE_GUARD -> onLeaseGuard((Message.LeaseGuard) message);
            case LEASE_PROMISE -> onLeasePromise((Message.LeasePromise) message);
            case LEASE_ACK -> onLeaseAck((Message.LeaseAck) message);
            case HELD -> onHeld((Message.Held) message);
            case READ_INDEX_REQUEST -> onReadIndexRequest((Message.ReadIndexRequest) message);
            case READ_INDEX_REPLY -> onReadIndexReply((Message.ReadIndexReply) message);
            case READ_ROUND -> onReadRound((Message.ReadRound) message);
            case READ_ROUND_REPLY -> onReadRoundReply((Message.ReadRoundReply) message);
        }
        if (Assert.VERIFY) checkInvariants();
    }

    public void tick() {
        ticksCount++;
        switch (role) {
            case FOLLOWER -> tickFollower();
            case CANDIDATE -> tickCandidate();
            case LEADER -> tickLeader();
        }
        if (lease != null) tickLease();
        if (role == Role.FOLLOWER) resendReadIndexIfLate();
        if (Assert.VERIFY) checkInvariants();
    }

    /** Queues one opaque command for the next batch; see {@link ProposeResult}. */
    public ProposeResult propose(byte[] command) {
        if (role != Role.LEADER) {
            stats.proposalsRefusedCount++;
            return ProposeResult.NOT_LEADER;
        }
        if (command.length + 4L > config.batchSizeBytesMax()) {
            stats.proposalsRefusedCount++;
            return ProposeResult.TOO_LARGE;
        }
        if (pending.size() >= Limits.PROPOSALS_PENDING_COUNT_MAX
                || pendingSizeBytes + command.length > Limits.PROPOSALS_PENDING_SIZE_BYTES_MAX) {
            stats.proposalsRefusedCount++;
            return ProposeResult.BUSY;
        }
        pending.add(command);
        pendingSizeBytes += command.length;
        stats.proposalsQueuedCount++;
        return ProposeResult.QUEUED;
    }

    /** Starts an election now, as if the election timeout had passed (tests, transfers). */
    public void campaign() {
        startCampaign();
        if (Assert.VERIFY) checkInvariants();
    }

    /** The driver stored a snapshot covering slots below {@code slot}: drop them from the log. */
    public void compact(long slot) {
        Assert.that(slot <= appliedBelow, "compact to %d beyond applied %d", slot, appliedBelow);
        if (slot <= snapshotBelow) return;
        snapshotBelow = slot;
        slots.truncateBelow(slot);
        durableDirty = true;
        if (Assert.VERIFY) checkInvariants();
    }

    /** Answers a {@link Ready#snapshotsToSend()} request: queues the snapshot in chunks. */
    public void sendSnapshot(int peer, Snapshot snapshot) {
        Assert.that(peer != nodeIndex, "snapshot to self");
        int size = snapshot.data().length;
        int offset = 0;
        do {
            int length = Math.min(Limits.SNAPSHOT_CHUNK_SIZE_BYTES_MAX, size - offset);
            byte[] chunk = java.util.Arrays.copyOfRange(snapshot.data(), offset, offset + length);
            send(new Message.SnapshotChunk(nodeIndex, peer, snapshot.slotBelow(),
                    snapshot.membersMask(), offset, size, chunk));
            offset += length;
        } while (offset < size);
    }

    // ---------------------------------------------------------------- outputs

    public Ready ready() {
        Assert.that(!readyOutstanding, "ready() again before advance()");
        if (role == Role.LEADER) {
            flushProposals();
            announceChosen();
        }
        List<Entry> apply = List.of();
        if (snapshotToInstall == null && appliedBelow < chosenBelow) {
            long end = Math.min(chosenBelow, appliedBelow + Limits.APPLY_ENTRIES_COUNT_MAX);
            ArrayList<Entry> entries = new ArrayList<>((int) (end - appliedBelow));
            for (long slot = appliedBelow; slot < end; slot++) entries.add(slots.entry(slot));
            apply = entries;
        }
        readyAppliedEnd = appliedBelow + apply.size();
        Ready ready = new Ready(durableDirty, promisedBallotDurable, chosenBelow, snapshotBelow,
                persistBuffer, outbox, apply, snapshotToInstall, snapshotsToSendMask);
        stats.messagesSentCount += outbox.size();
        durableDirty = false;
        if (!persistBuffer.isEmpty()) persistBuffer = new ArrayList<>();
        if (!outbox.isEmpty()) outbox = new ArrayList<>();
        snapshotsToSendMask = 0;
        readyOutstanding = true;
        return ready;
    }

    /** True if {@link #ready()} would return work. Cheap; lets a driver skip empty turns. */
    public boolean hasReady() {
        return durableDirty || !persistBuffer.isEmpty() || !outbox.isEmpty()
                || appliedBelow < chosenBelow || snapshotToInstall != null
                || snapshotsToSendMask != 0 || (role == Role.LEADER && !pending.isEmpty()
                        && slotNext - chosenBelow < config.pipelineSlotsCountMax());
    }

    public void advance(Ready done) {
        Assert.that(readyOutstanding, "advance() without ready()");
        readyOutstanding = false;
        for (Entry entry : done.entriesToApply) {
            Assert.that(entry.slot() == appliedBelow, "applied slot %d, expected %d",
                    entry.slot(), appliedBelow);
            if (entry.value().kind() == ValueKind.CONFIG) {
                membersMask = entry.value().mask();
                eventLog.info(prefix() + " membership applied members="
                        + Integer.toBinaryString(membersMask));
            } else if (entry.value().kind() == ValueKind.LEASE_HOLDERS && lease != null) {
                adoptLeaseHolders(LeaseConfig.eraOfSlot(entry.slot()), entry.value().mask());
            }
            appliedBelow++;
        }
        stats.entriesAppliedCount += done.entriesToApply.size();
        Assert.that(appliedBelow == readyAppliedEnd, "applied %d, ready said %d", appliedBelow,
                readyAppliedEnd);
        if (done.snapshotToInstall != null) installedSnapshot(done.snapshotToInstall);
        if (Assert.VERIFY) checkInvariants();
    }

    // ---------------------------------------------------------------- queries

    public int nodeIndex() {
        return nodeIndex;
    }

    public Role role() {
        return role;
    }

    /** The leader this replica knows of (itself when leading), or -1. */
    public int leaderIndex() {
        return leaderIndex;
    }

    public long ballot() {
        return ballot;
    }

    public long promisedBallot() {
        return promisedBallot;
    }

    public long chosenBelow() {
        return chosenBelow;
    }

    public long appliedBelow() {
        return appliedBelow;
    }

    public long snapshotBelow() {
        return snapshotBelow;
    }

    public long slotEnd() {
        return slots.slotEnd();
    }

    public int membersMask() {
        return membersMask;
    }

    public int pendingCount() {
        return pending.size();
    }

    public ReplicaStats stats() {
        return stats;
    }

    /** The chosen prefix a peer last reported (leader's view; 0 until it answered). */
    public long peerChosenBelow(int peerIndex) {
        return peerChosenBelow[peerIndex];
    }

    /** The entry held at a slot, or null (hole, compacted, beyond the log). */
    public Entry entry(long slot) {
        return slots.entry(slot);
    }

    public boolean isChosen(long slot) {
        return slot < snapshotBelow || slots.chosen(slot);
    }

    // ---------------------------------------------------------------- ticks

    private void tickFollower() {
        ticksSinceLeaderHeard++;
        if (ticksSinceLeaderHeard >= electionTimeoutTicks) startCampaign();
    }

    private void tickCandidate() {
        ticksSinceLeaderHeard++;
        electionElapsedTicks++;
        if (electionElapsedTicks >= electionTimeoutTicks) startCampaign();
    }

    private void tickLeader() {
        heartbeatElapsedTicks++;
        quorumCheckElapsedTicks++;
        if (quorumCheckElapsedTicks >= config.electionTimeoutTicksMin()) {
            quorumCheckElapsedTicks = 0;
            // Check quorum: a leader cut off from a majority steps down, so the stickiness of
            // the others does not keep the group without a working leader.
            if (!Quorum.reached(heardMask | selfBit, membersMask)) {
                eventLog.warn(prefix() + " stepping down: no majority heard within "
                        + config.electionTimeoutTicksMin() + " ticks");
                becomeFollower(-1);
                return;
            }
            heardMask = 0;
        }
        if (heartbeatElapsedTicks >= config.heartbeatIntervalTicks()) {
            heartbeatElapsedTicks = 0;
            broadcastHeartbeat();
        }
    }

    private void broadcastHeartbeat() {
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!isPeer(peer)) continue;
            retransmitAccepts(peer);
            send(new Message.Heartbeat(nodeIndex, peer, ballot, chosenBelow));
        }
        chosenAnnouncedBelow = chosenBelow;
    }

    /**
     * Leader: tells the followers at once when slots were chosen and nothing else this turn
     * carries the news, so a follower answers the client that sent it a command without
     * waiting for the next heartbeat (up to two ticks). Under load the next Accept carries it.
     */
    private void announceChosen() {
        if (chosenBelow <= chosenAnnouncedBelow) return;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (isPeer(peer)) send(new Message.Heartbeat(nodeIndex, peer, ballot, chosenBelow));
        }
        chosenAnnouncedBelow = chosenBelow;
    }

    /** Resends, to one peer, the contiguous range of unchosen slots it has not acknowledged. */
    private void retransmitAccepts(int peer) {
        int peerBit = Quorum.bit(peer);
        long first = -1;
        long end = -1;
        for (long slot = chosenBelow; slot < slotNext; slot++) {
            boolean chosen = slots.chosen(slot);
            if (first >= 0 && chosen) break; // an Accept carries only entries of our ballot
            // A peer whose acceptance waits for lease holders is asked again too: its answer
            // repeats its current wait, which is how a lost re-sent acceptance is recovered.
            if (chosen || (slots.acks(slot) & peerBit) != 0) continue;
            if (first < 0) first = slot;
            end = slot + 1;
            if (end - first >= Limits.RETRANSMIT_ENTRIES_COUNT_MAX) break;
        }
        if (first < 0) return;
        stats.retransmitsCount++;
        send(new Message.Accept(nodeIndex, peer, ballot, entriesBetween(first, end), chosenBelow));
    }

    // ---------------------------------------------------------------- Phase 1

    private void startCampaign() {
        long newBallot = Ballots.next(Math.max(ballotSeen, promisedBallot), nodeIndex);
        dropPending();
        role = Role.CANDIDATE;
        ballot = newBallot;
        ballotSeen = newBallot;
        leaderIndex = -1;
        electionElapsedTicks = 0;
        electionTimeoutTicks = randomElectionTimeout();
        promise(newBallot, false);
        promisesMask = selfBit;
        prepareSlotFrom = chosenBelow;
        promisedEntries.clear();
        for (long slot = chosenBelow; slot < slots.slotEnd(); slot++) {
            Entry entry = slots.entry(slot);
            if (entry != null) promisedEntries.put(slot, entry);
        }
        stats.campaignsCount++;
        eventLog.info(prefix() + " campaigning slotFrom=" + prepareSlotFrom);
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (isPeer(peer)) send(new Message.Prepare(nodeIndex, peer, ballot, prepareSlotFrom));
        }
        if (Quorum.reached(promisesMask, membersMask)) becomeLeader();
    }

    private void onPrepare(Message.Prepare m) {
        ballotSeen = Math.max(ballotSeen, m.ballot());
        if (m.ballot() < promisedBallot) {
            refuse(m.from(), m.ballot());
            return;
        }
        if (m.ballot() > promisedBallot && ignorePrepareSticky(m)) {
            refuse(m.from(), m.ballot());
            return;
        }
        if (m.ballot() > promisedBallot) {
            if (role != Role.FOLLOWER) becomeFollower(-1);
            promise(m.ballot(), true);
            leaderIndex = -1;
            ticksSinceLeaderHeard = 0;
        }
        if (m.slotFrom() < snapshotBelow) {
            // The candidate lags behind our compaction: it cannot count this promise and must
            // install a snapshot first.
            snapshotsToSendMask |= Quorum.bit(m.from());
            stats.snapshotsRequestedCount++;
        }
        long from = Math.max(m.slotFrom(), snapshotBelow);
        ArrayList<Entry> entries = new ArrayList<>();
        for (long slot = from; slot < slots.slotEnd(); slot++) {
            Entry entry = slots.entry(slot);
            if (entry != null) entries.add(entry);
        }
        send(new Message.Promise(nodeIndex, m.from(), m.ballot(), chosenBelow, snapshotBelow,
                entries));
    }

    /**
     * Stickiness: while we heard a live leader within the minimum election timeout (or lead
     * ourselves), we refuse to promise a competing ballot, so a node that merely lost contact
     * cannot depose a working leader, and duelling candidates cannot livelock the group.
     */
    private boolean ignorePrepareSticky(Message.Prepare m) {
        if (role == Role.LEADER) return true;
        return role == Role.FOLLOWER && leaderIndex >= 0 && leaderIndex != m.from()
                && ticksSinceLeaderHeard < config.electionTimeoutTicksMin();
    }

    private void onPromise(Message.Promise m) {
        if (role != Role.CANDIDATE || m.ballot() != ballot) return;
        if (m.snapshotBelow() > prepareSlotFrom) {
            eventLog.info(prefix() + " promise from " + m.from() + " lacks compacted slots below "
                    + m.snapshotBelow() + "; waiting for a snapshot");
            return;
        }
        promisesMask |= Quorum.bit(m.from());
        for (Entry entry : m.entries()) {
            if (entry.slot() < chosenBelow) continue;
            Entry known = promisedEntries.get(entry.slot());
            if (known == null || entry.ballot() > known.ballot()) {
                promisedEntries.put(entry.slot(), entry);
            }
        }
        if (Quorum.reached(promisesMask, membersMask)) becomeLeader();
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderIndex = nodeIndex;
        heardMask = 0;
        heartbeatElapsedTicks = 0;
        quorumCheckElapsedTicks = 0;
        java.util.Arrays.fill(peerChosenBelow, 0);
        java.util.Arrays.fill(peerHeardTick, ticksCount);
        peersAnsweredMask = 0;
        readRoundSent = 0;
        readRoundConfirmed = 0;
        leaseHoldersProposedSlot = -1;
        long slotEnd = Math.max(slots.slotEnd(), chosenBelow);
        if (!promisedEntries.isEmpty()) slotEnd = Math.max(slotEnd, promisedEntries.lastKey() + 1);
        long reproposedCount = 0;
        for (long slot = chosenBelow; slot < slotEnd; slot++) {
            if (slots.chosen(slot)) continue;
            Entry promised = promisedEntries.get(slot);
            Value value = Value.NOOP;
            if (promised != null && config.brokenVariant() != BrokenVariant.SKIP_REPROPOSE) {
                value = promised.value();
                reproposedCount++;
            }
            proposeAt(slot, value);
        }
        promisedEntries.clear();
        slotNext = slotEnd;
        if (slotNext == 0 && snapshotBelow == 0) {
            // First leader of a new group: membership becomes replicated state at slot 0.
            proposeAt(0, Value.config(membersMask));
            slotNext = 1;
        }
        electionSlotEnd = slotNext;
        stats.leaderBecameCount++;
        eventLog.info(prefix() + " became leader chosenBelow=" + chosenBelow + " slotNext="
                + slotNext + " reproposed=" + reproposedCount);
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (!isPeer(peer)) continue;
            retransmitAccepts(peer);
            send(new Message.Heartbeat(nodeIndex, peer, ballot, chosenBelow));
        }
        chosenAnnouncedBelow = chosenBelow;
        advanceChosen();
    }

    // ---------------------------------------------------------------- Phase 2

    /** Leader: moves queued commands into new slots, a batch per slot, within the window. */
    private void flushProposals() {
        if (pending.isEmpty()) return;
        long first = slotNext;
        int index = 0;
        while (index < pending.size()
                && slotNext - chosenBelow < config.pipelineSlotsCountMax()) {
            int count = 0;
            long sizeBytes = 0;
            int start = index;
            while (index < pending.size() && count < config.batchCommandsCountMax()) {
                long size = pending.get(index).length + 4L;
                if (count > 0 && sizeBytes + size > config.batchSizeBytesMax()) break;
                sizeBytes += size;
                count++;
                index++;
            }
            byte[][] batch = new byte[count][];
            for (int i = 0; i < count; i++) batch[i] = pending.get(start + i);
            pendingSizeBytes -= sizeBytes - 4L * count;
            proposeAt(slotNext, Value.commands(batch));
            slotNext++;
        }
        if (index == pending.size()) pending.clear();
        else pending.subList(0, index).clear();
        if (first == slotNext) return;
        broadcastAccepts(first);
        chosenAnnouncedBelow = chosenBelow;
        advanceChosen();
        if (lease != null) sendLeaseMessages(0);
    }

    /** Leader: accept our own proposal (persisted in this Ready, before the Accepts leave). */
    private void proposeAt(long slot, Value value) {
        Entry entry = new Entry(slot, ballot, value);
        slots.put(entry);
        persistBuffer.add(entry);
        stats.slotsProposedCount++;
        slots.setHolders(slot, selfBit);
        if (Quorum.reached(selfBit, membersMask)) slots.setMajorityHeldTick(slot, ticksCount);
        // As an acceptor the leader too waits for its lease holders (see leaderSelfAccept).
        if (selfVoteAllowed(slot)) vote(slot, selfBit);
    }

    private void onAccept(Message.Accept m) {
        ballotSeen = Math.max(ballotSeen, m.ballot());
        boolean lower = m.ballot() < promisedBallot;
        if (lower && config.brokenVariant() != BrokenVariant.ACCEPT_LOWER_BALLOT) {
            refuse(m.from(), m.ballot());
            return;
        }
        if (!lower) followLeader(m.from(), m.ballot());
        long slotFirst = Long.MAX_VALUE;
        long slotEnd = Long.MIN_VALUE;
        for (Entry entry : m.entries()) {
            Assert.that(entry.ballot() == m.ballot(), "accept entry ballot differs");
            slotFirst = Math.min(slotFirst, entry.slot());
            slotEnd = Math.max(slotEnd, entry.slot() + 1);
            if (entry.slot() < snapshotBelow || slots.chosen(entry.slot())) continue;
            slots.put(entry);
            persistBuffer.add(entry);
        }
        if (!lower) learnChosenFromLeader(m.ballot(), m.chosenBelow());
        if (slotFirst < slotEnd && lease != null && lease.config().holds(nodeIndex)) {
            // Leaves before this turn's fsync (the Accepted after it): see Message.Held.
            send(new Message.Held(nodeIndex, m.from(), m.ballot(), slotFirst, slotEnd,
                    incarnation));
        }
        if (slotFirst < slotEnd) sendAccepted(m.from(), m.ballot(), slotFirst, slotEnd);
        if (lease != null) sendLeaseMessages(0);
    }

    private void onAccepted(Message.Accepted m) {
        if (role != Role.LEADER || m.ballot() != ballot) return;
        int peerBit = Quorum.bit(m.from());
        heardFrom(m.from());
        peerChosenBelow[m.from()] = Math.max(peerChosenBelow[m.from()], m.chosenBelow());
        long end = Math.min(m.slotEnd(), slotNext);
        for (long slot = Math.max(m.slotFirst(), chosenBelow); slot < end; slot++) {
            if (!unchosenInBallot(slot)) continue;
            int holders = slots.holders(slot) | peerBit;
            slots.setHolders(slot, holders);
            if (slots.majorityHeldTick(slot) < 0 && Quorum.reached(holders, membersMask)) {
                slots.setMajorityHeldTick(slot, ticksCount); // leases off, it would be chosen
            }
            if (m.leaseWaitMask() == 0) vote(slot, peerBit);
        }
        if (m.leaseWaitMask() != 0) {
            addConditionalVote(m.from(), m.slotFirst(), end, m.leaseWaitMask(),
                    m.waitIncarnations());
        }
        if (lease != null) {
            // Holders grew: conditional acceptances, ours included, may count now.
            countConditionalVotes();
            leaderSelfAccept();
        }
        advanceChosen();
    }

    private void onRefuse(Message.Refuse m) {
        ballotSeen = Math.max(ballotSeen, m.promisedBallot());
        if (role == Role.FOLLOWER || m.ballot() != ballot) return;
        if (m.promisedBallot() <= ballot) return;
        eventLog.info(prefix() + " refused by " + m.from() + " promised="
                + Ballots.toString(m.promisedBallot()));
        if (role == Role.LEADER) {
            // A refused proposer retries higher. Our followers are sticky to us and promise
            // at once, so a node that rejoins with an inflated ballot from failed campaigns
            // costs one round trip instead of an election. If another leader really won,
            // its followers refuse us and we step down as a candidate.
            startCampaign();
        } else {
            becomeFollower(m.leaderIndex());
        }
        // A sticky refusal (promised below our ballot): the refuser still follows a live
        // leader; keep waiting, the election timeout retries with a higher ballot.
    }

    // ---------------------------------------------------------------- heartbeats, learning

    private void onHeartbeat(Message.Heartbeat m) {
        if (!followIfCurrent(m.from(), m.ballot())) return;
        learnChosenFromLeader(m.ballot(), m.chosenBelow());
        send(new Message.HeartbeatReply(nodeIndex, m.from(), m.ballot(), chosenBelow,
                m.chosenBelow()));
    }

    private void onHeartbeatReply(Message.HeartbeatReply m) {
        if (role != Role.LEADER || m.ballot() != ballot) return;
        heardFrom(m.from());
        peerChosenBelow[m.from()] = m.chosenBelow();
        if (m.chosenBelow() >= m.heartbeatChosenBelow()) return;
        if (m.chosenBelow() < snapshotBelow) {
            snapshotsToSendMask |= Quorum.bit(m.from());
            stats.snapshotsRequestedCount++;
            return;
        }
        long end = Math.min(m.heartbeatChosenBelow(),
                m.chosenBelow() + Limits.CATCH_UP_ENTRIES_COUNT_MAX);
        stats.catchUpEntriesSentCount += end - m.chosenBelow();
        send(new Message.Learn(nodeIndex, m.from(), entriesBetween(m.chosenBelow(), end)));
    }

    private void onLearn(Message.Learn m) {
        for (Entry entry : m.entries()) {
            long slot = entry.slot();
            if (slot < snapshotBelow || slots.chosen(slot)) continue;
            Entry held = slots.entry(slot);
            // A leader keeps its own entry (same value by Paxos) so its ack counting holds.
            if (held == null || role != Role.LEADER || held.ballot() != ballot) {
                slots.put(entry);
                persistBuffer.add(entry);
            }
            markChosen(slot);
        }
        advanceChosen();
    }

    /**
     * Commit piggybacked by the leader of {@code leaderBallot}: a slot we accepted in that very
     * ballot holds the value the leader chose there, since a leader proposes one value per slot
     * per ballot. Other slots below the leader's prefix arrive later by Learn.
     */
    private void learnChosenFromLeader(long leaderBallot, long leaderChosenBelow) {
        long end = Math.min(leaderChosenBelow, slots.slotEnd());
        for (long slot = chosenBelow; slot < end; slot++) {
            if (slots.chosen(slot)) continue;
            Entry entry = slots.entry(slot);
            if (entry != null && entry.ballot() == leaderBallot) markChosen(slot);
        }
        advanceChosen();
    }

    private void onSnapshotChunk(Message.SnapshotChunk m) {
        if (m.slotBelow() <= chosenBelow || snapshotToInstall != null) return;
        if (m.offset() == 0) {
            snapshotAssembly = new byte[m.sizeBytes()];
            snapshotAssemblySlotBelow = m.slotBelow();
            snapshotAssemblyMembers = m.membersMask();
            snapshotAssemblyOffset = 0;
        }
        if (m.slotBelow() != snapshotAssemblySlotBelow || m.offset() != snapshotAssemblyOffset
                || m.sizeBytes() != snapshotAssembly.length) {
            return; // out of order or from another snapshot: the sender retries from offset 0
        }
        System.arraycopy(m.data(), 0, snapshotAssembly, m.offset(), m.data().length);
        snapshotAssemblyOffset += m.data().length;
        if (snapshotAssemblyOffset < snapshotAssembly.length) return;
        snapshotToInstall = new Snapshot(snapshotAssemblySlotBelow, snapshotAssemblyMembers,
                snapshotAssembly);
        snapshotAssembly = null;
        snapshotAssemblySlotBelow = -1;
    }

    private void installedSnapshot(Snapshot snapshot) {
        Assert.that(snapshot == snapshotToInstall, "installed a snapshot that was not offered");
        snapshotToInstall = null;
        long slot = snapshot.slotBelow();
        // Nothing was applied while the snapshot waited (ready() holds entries back), so the
        // state machine now stands exactly at the snapshot.
        Assert.that(appliedBelow <= slot, "applied %d beyond installed snapshot %d",
                appliedBelow, slot);
        snapshotBelow = Math.max(snapshotBelow, slot);
        appliedBelow = slot;
        chosenBelow = Math.max(chosenBelow, slot);
        membersMask = snapshot.membersMask();
        slots.truncateBelow(slot);
        if (role == Role.LEADER) slotNext = Math.max(slotNext, slot);
        durableDirty = true;
        stats.snapshotsInstalledCount++;
        eventLog.info(prefix() + " installed snapshot slotBelow=" + slot);
        advanceChosen();
    }

    // ---------------------------------------------------------------- quorum leases

    /**
     * May this replica serve a strong read from its applied state now? Conservative for all
     * keys: any accepted-but-unapplied slot makes every read wait. The driver serves
     * {@link ReadCheck#LOCAL_OK} at once (before its next tick), retries the WAIT answers after
     * the next Ready or tick, and sends {@link ReadCheck#FORWARD} reads to the leader.
     */
    public ReadCheck readLocal() {
        ReadCheck check = leaseReadCheck();
        if (check == ReadCheck.LOCAL_OK && slots.slotEnd() > appliedBelow
                && config.brokenVariant() != BrokenVariant.LEASE_READ_UNAPPLIED) {
            return ReadCheck.WAIT_WRITE;
        }
        return check;
    }

    /**
     * {@link #readLocal} without its last rule: LOCAL_OK here still requires the caller to check
     * that no slot this replica accepted and has not applied writes a key the read touches (the
     * node tracks those keys per slot, so reads of other keys need not wait for them).
     */
    public ReadCheck leaseReadCheck() {
        if (lease == null || !lease.config().holds(nodeIndex)) return ReadCheck.FORWARD;
        if (ticksCount >= lease.validUntil(membersMask)) return ReadCheck.FORWARD;
        if (config.brokenVariant() == BrokenVariant.LEASE_READ_UNAPPLIED) return ReadCheck.LOCAL_OK;
        if (appliedBelow < lease.slotRequiredBelow() || appliedBelow < acceptedBelowAtStart
                || snapshotToInstall != null) {
            return ReadCheck.WAIT_APPLY;
        }
        return ReadCheck.LOCAL_OK;
    }

    /** The number of grantors (not us) whose promise to us has not expired. */
    public int leaseGrantsHeldCount() {
        if (lease == null) return 0;
        int count = 0;
        for (int i = 0; i < Limits.REPLICAS_COUNT_MAX; i++) {
            if (i != nodeIndex && (membersMask & (1 << i)) != 0
                    && ticksCount < lease.promiseExpiryTick(i)) {
                count++;
            }
        }
        return count;
    }

    /** The number of holders (not us) our grant to has not expired. */
    public int leaseGrantsGivenCount() {
        if (lease == null) return 0;
        int count = 0;
        for (int i = 0; i < Limits.REPLICAS_COUNT_MAX; i++) {
            if (i != nodeIndex && (membersMask & (1 << i)) != 0 && lease.grantLive(i, ticksCount)) {
                count++;
            }
        }
        return count;
    }

    /** The era of the lease holder set in force here; 0 without leases. */
    public long leaseEra() {
        return lease == null ? 0 : lease.config().era();
    }

    /** The lease holder set in force here (node index bitmask); 0 without leases. */
    public int leaseHoldersMask() {
        return lease == null ? 0 : lease.config().holdersMask();
    }

    /** The local tick count (time inside the core), as lease expiries are expressed. */
    public long ticksCount() {
        return ticksCount;
    }

    /** Our lease is valid while {@code ticksCount() < leaseValidUntil()}; 0 without one. */
    public long leaseValidUntil() {
        return lease == null ? 0 : lease.validUntil(membersMask);
    }

    /** The grantor-side expiry of our grant to {@code holder}, in our ticks (0 if none). */
    public long leaseGrantExpiry(int holder) {
        return lease == null ? 0 : lease.grantExpiryTick(holder);
    }

    /** The holder-side slot end that reads wait to apply. */
    public long leaseSlotRequiredBelow() {
        return lease == null ? 0 : lease.slotRequiredBelow();
    }

    /** The number of Accepted replies held back for lease holders. */
    public int acceptedDeferredCount() {
        return acceptedDeferred.size();
    }

    private void tickLease() {
        sendLeaseMessages(deferredWaitMask());
        releaseDeferredAccepted();
        if (role == Role.LEADER) {
            leaderSelfAccept();
            advanceChosen();
            maintainLeaseHolders();
        }
    }

    /**
     * Leader: proposes a new lease holder set when a holder has been silent for
     * {@link #holderSilenceTicks} (it is dropped: grantors stop renewing its grants, so after one
     * lease no write waits for it, even if it still talks to some grantors) or when a dropped
     * holder answers again and has caught up (it is taken back). One proposal at a time.
     */
    private void maintainLeaseHolders() {
        if (leaseHoldersProposedSlot >= appliedBelow) return;
        int current = lease.config().holdersMask();
        int wanted = current;
        for (int node = 0; node < Limits.REPLICAS_COUNT_MAX; node++) {
            if ((membersMask & (1 << node)) == 0 || !config.lease().holds(node)) continue;
            int bit = 1 << node;
            if (node == nodeIndex) {
                wanted |= bit; // we are evidently up
                continue;
            }
            long silentTicks = ticksCount - peerHeardTick[node];
            if ((current & bit) != 0 && silentTicks > holderSilenceTicks()) {
                wanted &= ~bit;
            } else if ((current & bit) == 0 && (peersAnsweredMask & bit) != 0
                    && silentTicks <= config.heartbeatIntervalTicks() * 2L
                    && chosenBelow - peerChosenBelow[node] <= Limits.LEASE_HOLDER_REJOIN_LAG_SLOTS_MAX) {
                wanted |= bit;
            }
        }
        if (wanted == current || slotNext - chosenBelow >= config.pipelineSlotsCountMax()) return;
        long slot = slotNext;
        proposeAt(slot, Value.leaseHolders(wanted));
        slotNext++;
        broadcastAccepts(slot);
        leaseHoldersProposedSlot = slot;
        eventLog.info(prefix() + " proposed lease holders=" + Integer.toBinaryString(wanted)
                + " at slot " + slot + " (was " + Integer.toBinaryString(current) + ")");
        advanceChosen();
    }

    /** Two grantor leases: a holder cut off that long has lost every grant for a lease. */
    private long holderSilenceTicks() {
        return 2 * lease.config().grantorLeaseTicks();
    }

    private void adoptLeaseHolders(long era, int holdersMask) {
        if (lease.adopt(era, holdersMask)) {
            eventLog.info(prefix() + " lease holders era=" + era + " holders="
                    + Integer.toBinaryString(lease.config().holdersMask()));
        }
    }

    /** Slot end reported in promises: never decreases while we run. */
    private long leaseSlotBelow() {
        return Math.max(slots.slotEnd(), chosenBelow);
    }

    /**
     * The lease holders that must hold slots below {@code slotEnd} before our acceptance of
     * them counts (see {@link QuorumLease#waitMask}); 0 without leases.
     */
    private int leaseWaitMask(long slotEnd) {
        if (lease == null || config.brokenVariant() == BrokenVariant.LEASE_WRITE_NO_WAIT) {
            return 0;
        }
        return lease.waitMask(ticksCount, membersMask, slotEnd);
    }

    /**
     * Holders some acceptance of ours still waits for. A promise to them reports our accepted
     * slots so that their acknowledgement lifts the wait even if they never accept the slots
     * themselves (cut off from the leader, say). Sent on ticks only: normally the holders'
     * own acceptances reach the leader first, and a promise per batch would double the
     * messages of every write.
     */
    private int deferredWaitMask() {
        int mask = 0;
        for (long[] deferred : acceptedDeferred) mask |= (int) deferred[5];
        if (role == Role.LEADER) {
            for (long slot = chosenBelow; slot < slotNext; slot++) {
                if (unchosenInBallot(slot) && (slots.acks(slot) & selfBit) == 0) {
                    mask |= leaseWaitMask(slot + 1) & ~slots.holders(slot);
                }
            }
        }
        return mask;
    }

    /**
     * Grantor: guards to holders without a grant, promises where due; a promise reporting newly
     * accepted slots goes only to the holders in {@code reportSlotsMask}.
     */
    private void sendLeaseMessages(int reportSlotsMask) {
        long era = lease.config().era();
        int holders = lease.config().holdersMask();
        long slotBelow = leaseSlotBelow();
        for (int holder = 0; holder < Limits.REPLICAS_COUNT_MAX; holder++) {
            if (!isPeer(holder) || !lease.config().holds(holder)) continue;
            boolean reportSlots = (reportSlotsMask & (1 << holder)) != 0;
            if (lease.promiseDue(holder, ticksCount, slotBelow, reportSlots)) {
                send(new Message.LeasePromise(nodeIndex, holder, era, holders,
                        lease.anchorIncarnation(holder), lease.anchorTick(holder), slotBelow));
                lease.promiseSent(holder, ticksCount, slotBelow);
            } else if (lease.guardDue(holder, ticksCount)) {
                send(new Message.LeaseGuard(nodeIndex, holder, era, holders));
                lease.guardSent(holder, ticksCount);
            }
        }
    }

    /** A lease message of another era is ignored, after we took its holder set if newer. */
    private boolean ignoreLease(long era, int holdersMask) {
        if (lease == null) return true;
        adoptLeaseHolders(era, holdersMask);
        return era != lease.config().era();
    }

    private void onLeaseGuard(Message.LeaseGuard m) {
        if (ignoreLease(m.era(), m.holdersMask()) || !lease.config().holds(nodeIndex)) return;
        lease.onGuard(m.from(), ticksCount);
        send(new Message.LeaseAck(nodeIndex, m.from(), m.era(), lease.config().holdersMask(),
                incarnation, ticksCount, 0));
    }

    private void onLeasePromise(Message.LeasePromise m) {
        if (ignoreLease(m.era(), m.holdersMask()) || !lease.config().holds(nodeIndex)) return;
        // Anchored in another incarnation or in our future: its start is unknown; ignore it.
        if (m.holderIncarnation() != incarnation || m.anchorTick() > ticksCount) return;
        if (!lease.onPromise(m.from(), ticksCount, m.anchorTick(), m.slotBelow())) return;
        send(new Message.LeaseAck(nodeIndex, m.from(), m.era(), lease.config().holdersMask(),
                incarnation, ticksCount, m.slotBelow()));
    }

    private void onLeaseAck(Message.LeaseAck m) {
        if (ignoreLease(m.era(), m.holdersMask())) return;
        lease.onAck(m.from(), ticksCount, m.incarnation(), m.holderTick(), m.slotRecordedBelow());
        sendLeaseMessages(0);
        releaseDeferredAccepted();
        if (role == Role.LEADER) {
            leaderSelfAccept();
            advanceChosen();
        }
    }

    /**
     * Acceptor: tells the leader we hold [slotFirst, slotEnd) in {@code acceptBallot}, and which
     * lease holders must hold them too before that counts; remembers it while that is not
     * nobody, to tell the leader again when the set shrinks.
     */
    private void sendAccepted(int to, long acceptBallot, long slotFirst, long slotEnd) {
        // Slots we know chosen count at once: a leader elected since may not know (it
        // re-proposed them), and the quorum that chose them already waited for the holders.
        int waitMask = allChosen(slotFirst, slotEnd) ? 0 : leaseWaitMask(slotEnd);
        long[] earlier = null;
        for (long[] deferred : acceptedDeferred) {
            if (deferred[0] == to && deferred[1] == acceptBallot && deferred[2] == slotFirst
                    && deferred[3] == slotEnd) {
                earlier = deferred; // a retransmitted Accept
                waitMask &= (int) deferred[5];
                deferred[5] = waitMask;
            }
        }
        send(new Message.Accepted(nodeIndex, to, acceptBallot, slotFirst, slotEnd, chosenBelow,
                waitMask, waitIncarnations(waitMask)));
        if (waitMask == 0 || earlier != null) return;
        // Bounded: when full, the oldest is dropped; the leader's retransmission asks again.
        if (acceptedDeferred.size() == Limits.ACCEPTED_DEFERRED_COUNT_MAX) acceptedDeferred.remove(0);
        acceptedDeferred.add(new long[] {to, acceptBallot, slotFirst, slotEnd, ticksCount,
                waitMask});
        stats.acceptedDeferredCount++;
    }

    /** Acceptor: re-sends the acceptances whose wait mask shrank; forgets chosen ones. */
    private void releaseDeferredAccepted() {
        for (int i = 0; i < acceptedDeferred.size(); i++) {
            long[] deferred = acceptedDeferred.get(i);
            long slotFirst = deferred[2];
            long slotEnd = deferred[3];
            // Chosen since we accepted: only the leader we answered can have told us (a later
            // leader's Accept gets its own reply, see sendAccepted). Overwritten by a later
            // ballot: that leader's Accept gets its own reply too.
            boolean done = allChosen(slotFirst, slotEnd)
                    || !stillAccepted(deferred[1], slotFirst, slotEnd);
            // Only ever shrinks: a grant given after we accepted reported these slots.
            int waitMask = (int) deferred[5] & leaseWaitMask(slotEnd);
            if (!done && waitMask != deferred[5]) {
                send(new Message.Accepted(nodeIndex, (int) deferred[0], deferred[1], slotFirst,
                        slotEnd, chosenBelow, waitMask, waitIncarnations(waitMask)));
                deferred[5] = waitMask;
            }
            if (done || waitMask == 0) {
                acceptedDeferred.remove(i--);
                stats.acceptedDeferredTicksTotal += ticksCount - deferred[4];
            }
        }
    }

    private boolean allChosen(long slotFirst, long slotEnd) {
        for (long slot = slotFirst; slot < slotEnd; slot++) {
            if (!isChosen(slot)) return false;
        }
        return true;
    }

    private boolean stillAccepted(long acceptBallot, long slotFirst, long slotEnd) {
        for (long slot = slotFirst; slot < slotEnd; slot++) {
            if (isChosen(slot)) continue;
            Entry entry = slots.entry(slot);
            if (entry == null || entry.ballot() != acceptBallot) return false;
        }
        return true;
    }

    /**
     * Leader: remembers an acceptance that counts once the holders of its wait mask hold the
     * slots: {from, slotFirst, slotEnd, waitMask, then the incarnation of each holder by node
     * index}. A later one from the same acceptor for the same slots replaces it.
     */
    private void addConditionalVote(int from, long slotFirst, long slotEnd, int waitMask,
                                    long[] waitIncarnations) {
        long[] vote = new long[4 + Limits.REPLICAS_COUNT_MAX];
        vote[0] = from;
        vote[1] = slotFirst;
        vote[2] = slotEnd;
        vote[3] = waitMask;
        int k = 0;
        for (int holder = 0; holder < Limits.REPLICAS_COUNT_MAX; holder++) {
            if ((waitMask & (1 << holder)) != 0) vote[4 + holder] = waitIncarnations[k++];
        }
        for (int i = 0; i < conditionalVotes.size(); i++) {
            long[] earlier = conditionalVotes.get(i);
            if (earlier[0] == from && earlier[1] == slotFirst && earlier[2] == slotEnd) {
                conditionalVotes.set(i, vote);
                return;
            }
        }
        // Bounded: the acceptor tells us again when its mask shrinks (see sendAccepted).
        if (conditionalVotes.size() == Limits.ACCEPTED_DEFERRED_COUNT_MAX) conditionalVotes.remove(0);
        conditionalVotes.add(vote);
    }

    /** Leader: counts the conditional acceptances whose holders now hold the slots. */
    private void countConditionalVotes() {
        for (int i = 0; i < conditionalVotes.size(); i++) {
            long[] vote = conditionalVotes.get(i);
            int voterBit = Quorum.bit((int) vote[0]);
            int waitMask = (int) vote[3];
            boolean done = true;
            long end = Math.min(vote[2], slotNext);
            for (long slot = Math.max(vote[1], chosenBelow); slot < end; slot++) {
                if (!unchosenInBallot(slot) || (slots.acks(slot) & voterBit) != 0) continue;
                if (holdersHold(slot, waitMask, vote, 4)) vote(slot, voterBit);
                else done = false;
            }
            if (done) conditionalVotes.remove(i--);
        }
    }

    /** Leader: counts our own acceptance of the slots our lease holders now hold. */
    private void leaderSelfAccept() {
        for (long slot = chosenBelow; slot < slotNext; slot++) {
            if (!unchosenInBallot(slot) || (slots.acks(slot) & selfBit) != 0) continue;
            if (selfVoteAllowed(slot)) vote(slot, selfBit);
        }
    }

    /**
     * Our acceptance of {@code slot} may count: every holder we may have granted a lease to
     * holds the slot in our ballot, or acknowledged a promise reporting it.
     */
    private boolean selfVoteAllowed(long slot) {
        int waitMask = leaseWaitMask(slot + 1);
        if (waitMask == 0) return true;
        lease.incarnationsByNode(selfWaitIncarnations);
        return holdersHold(slot, waitMask, selfWaitIncarnations, 0);
    }

    /**
     * Leader: every holder in {@code waitMask} holds {@code slot} of our ballot: it accepted it
     * durably, or sent a Held for it from the incarnation {@code incarnations[offset + node]}
     * (the one the waiting grantor granted to; 0, unknown, never matches).
     */
    private boolean holdersHold(long slot, int waitMask, long[] incarnations, int offset) {
        int missing = waitMask & ~slots.holders(slot);
        for (int holder = 0; missing != 0 && holder < Limits.REPLICAS_COUNT_MAX; holder++) {
            int bit = 1 << holder;
            if ((missing & bit) == 0) continue;
            long held = slots.heldIncarnation(slot, holder);
            if (held == 0 || held != incarnations[offset + holder]) return false;
            missing &= ~bit;
        }
        return missing == 0;
    }

    /** The incarnations of the holders in {@code waitMask} as our grants know them. */
    private long[] waitIncarnations(int waitMask) {
        return waitMask == 0 || lease == null ? NO_INCARNATIONS : lease.waitIncarnations(waitMask);
    }

    /** Leader: a holder has slots of our ballot in memory (see Message.Held). */
    private void onHeld(Message.Held m) {
        if (role != Role.LEADER || m.ballot() != ballot || lease == null) return;
        long end = Math.min(m.slotEnd(), slotNext);
        for (long slot = Math.max(m.slotFirst(), chosenBelow); slot < end; slot++) {
            if (unchosenInBallot(slot)) slots.setHeldIncarnation(slot, m.from(), m.incarnation());
        }
        countConditionalVotes();
        leaderSelfAccept();
        advanceChosen();
    }

    // ---------------------------------------------------------------- ReadIndex

    /**
     * Asks for a read index for the caller's request {@code requestId} (Raft thesis 6.4): the
     * leader confirms with a majority that it still leads, then answers with its chosen prefix;
     * the answer arrives through {@link #drainReadIndexes}, or never (the caller keeps a
     * deadline). False if no leader is known here.
     */
    public boolean requestReadIndex(long requestId) {
        if (role == Role.LEADER) {
            addReadRequest(nodeIndex, requestId);
            return true;
        }
        if (role != Role.FOLLOWER || leaderIndex < 0 || leaderIndex == nodeIndex) return false;
        readIndexQueued.add(requestId);
        if (readIndexInFlight == null) sendReadIndexBatch();
        return true;
    }

    /** Follower: asks the leader once for every queued read. */
    private void sendReadIndexBatch() {
        if (readIndexQueued.isEmpty() || role != Role.FOLLOWER || leaderIndex < 0) return;
        readIndexInFlight = readIndexQueued;
        readIndexQueued = new ArrayList<>();
        readIndexSentTick = ticksCount;
        send(new Message.ReadIndexRequest(nodeIndex, leaderIndex, ++readIndexBatch));
    }

    /** Follower, on ticks: an unanswered request is asked again, of the current leader. */
    private void resendReadIndexIfLate() {
        if (readIndexInFlight == null
                || ticksCount - readIndexSentTick < Limits.READ_INDEX_RESEND_TICKS) {
            return;
        }
        readIndexQueued.addAll(0, readIndexInFlight);
        readIndexInFlight = null;
        sendReadIndexBatch();
    }

    /**
     * Read indexes answered since the last call, {requestId, index} each: the read is
     * linearizable once served from state applied at least below {@code index}.
     */
    public List<long[]> drainReadIndexes() {
        if (readIndexesDone.isEmpty()) return List.of();
        List<long[]> done = readIndexesDone;
        readIndexesDone = new ArrayList<>();
        return done;
    }

    private void onReadIndexRequest(Message.ReadIndexRequest m) {
        if (role == Role.LEADER) addReadRequest(m.from(), m.requestId());
    }

    private void onReadIndexReply(Message.ReadIndexReply m) {
        if (readIndexInFlight == null || m.requestId() != readIndexBatch) return; // late
        for (long requestId : readIndexInFlight) readIndexesDone.add(new long[] {requestId, m.index()});
        readIndexInFlight = null;
        sendReadIndexBatch();
    }

    private void addReadRequest(int origin, long requestId) {
        if (readRequests.size() >= Limits.READ_INDEX_PENDING_COUNT_MAX) return;
        readRequests.add(new long[] {origin, requestId, readRoundSent + 1});
        if (config.brokenVariant() == BrokenVariant.READ_INDEX_NO_CONFIRM) {
            readRoundSent++;
            readRoundConfirmed = readRoundSent;
            answerReadRequests();
            return;
        }
        startReadRound();
    }

    /** Leader: one confirmation round at a time; requests that come meanwhile wait for the next. */
    private void startReadRound() {
        if (readRoundSent > readRoundConfirmed || readRequests.isEmpty()) return;
        readRoundSent++;
        readRoundAcks = selfBit;
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (isPeer(peer)) send(new Message.ReadRound(nodeIndex, peer, ballot, readRoundSent));
        }
        confirmReadRoundIfMajority();
    }

    private void onReadRound(Message.ReadRound m) {
        if (!followIfCurrent(m.from(), m.ballot())) return;
        send(new Message.ReadRoundReply(nodeIndex, m.from(), m.ballot(), m.round()));
    }

    private void onReadRoundReply(Message.ReadRoundReply m) {
        if (role != Role.LEADER || m.ballot() != ballot || m.round() != readRoundSent) return;
        readRoundAcks |= Quorum.bit(m.from());
        confirmReadRoundIfMajority();
    }

    private void confirmReadRoundIfMajority() {
        if (readRoundSent == readRoundConfirmed || !Quorum.reached(readRoundAcks, membersMask)) {
            return;
        }
        readRoundConfirmed = readRoundSent;
        answerReadRequests();
        startReadRound();
    }

    /**
     * Leader: answers the requests of confirmed rounds with the chosen prefix, once it covers
     * every slot found in phase 1 (a write acknowledged under an earlier leader may sit there).
     */
    private void answerReadRequests() {
        if (chosenBelow < electionSlotEnd) return; // again when the prefix advances
        for (int i = 0; i < readRequests.size(); i++) {
            long[] request = readRequests.get(i);
            if (request[2] > readRoundConfirmed) continue;
            readRequests.remove(i--);
            if (request[0] == nodeIndex) {
                readIndexesDone.add(new long[] {request[1], chosenBelow});
            } else {
                send(new Message.ReadIndexReply(nodeIndex, (int) request[0], ballot, request[1],
                        chosenBelow));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A leader's message in {@code leaderBallot}: refused if below our promise (false), else we
     * follow that leader (true).
     */
    private boolean followIfCurrent(int from, long leaderBallot) {
        ballotSeen = Math.max(ballotSeen, leaderBallot);
        if (leaderBallot < promisedBallot) {
            refuse(from, leaderBallot);
            return false;
        }
        followLeader(from, leaderBallot);
        return true;
    }

    /** Leader: {@code peer} answered in our ballot (quorum check and lease holder upkeep). */
    private void heardFrom(int peer) {
        heardMask |= Quorum.bit(peer);
        peersAnsweredMask |= Quorum.bit(peer);
        peerHeardTick[peer] = ticksCount;
    }

    /** Leader: sends every peer an Accept for our new slots [first, slotNext). */
    private void broadcastAccepts(long first) {
        List<Entry> entries = entriesBetween(first, slotNext);
        for (int peer = 0; peer < Limits.REPLICAS_COUNT_MAX; peer++) {
            if (isPeer(peer)) {
                send(new Message.Accept(nodeIndex, peer, ballot, entries, chosenBelow));
            }
        }
    }

    /** Leader: a slot of our ballot not yet chosen. */
    private boolean unchosenInBallot(long slot) {
        if (slots.chosen(slot)) return false;
        Entry entry = slots.entry(slot);
        return entry != null && entry.ballot() == ballot;
    }

    /** Leader: counts an acceptance toward the write quorum of {@code slot}. */
    private void vote(long slot, int voterBit) {
        int acks = slots.acks(slot) | voterBit;
        slots.setAcks(slot, acks);
        if (!Quorum.reached(acks, membersMask)) return;
        markChosen(slot);
        long heldTick = slots.majorityHeldTick(slot);
        if (heldTick >= 0 && heldTick < ticksCount) { // waited for lease holders past a tick
            stats.slotsDelayedByLeaseCount++;
            stats.slotsDelayedByLeaseTicksTotal += ticksCount - heldTick;
        }
    }

    private void markChosen(long slot) {
        slots.markChosen(slot);
        stats.slotsChosenCount++;
    }

    private void advanceChosen() {
        long before = chosenBelow;
        while (slots.chosen(chosenBelow)) chosenBelow++;
        if (chosenBelow != before) {
            durableDirty = true;
            if (role == Role.LEADER && !readRequests.isEmpty()) answerReadRequests();
        }
    }

    private void promise(long newBallot, boolean fromPrepare) {
        Assert.that(newBallot >= promisedBallot, "promise %d below promised %d", newBallot,
                promisedBallot);
        if (newBallot == promisedBallot) return;
        promisedBallot = newBallot;
        if (!(fromPrepare && config.brokenVariant() == BrokenVariant.PROMISE_NOT_PERSISTED)) {
            promisedBallotDurable = newBallot;
        }
        durableDirty = true;
    }

    /** A message at {@code leaderBallot >= promisedBallot} from its leader. */
    private void followLeader(int from, long leaderBallot) {
        if (leaderBallot > promisedBallot) promise(leaderBallot, false);
        if (role != Role.FOLLOWER && !(role == Role.LEADER && leaderBallot == ballot)) {
            becomeFollower(from);
        }
        leaderIndex = from;
        ticksSinceLeaderHeard = 0;
    }

    private void becomeFollower(int leader) {
        if (role != Role.FOLLOWER) {
            eventLog.info(prefix() + " became follower leader=" + leader);
        }
        dropPending();
        role = Role.FOLLOWER;
        leaderIndex = leader;
        ticksSinceLeaderHeard = 0;
        promisedEntries.clear();
        electionTimeoutTicks = randomElectionTimeout();
    }

    private void dropPending() {
        conditionalVotes.clear();
        readRequests.clear(); // their readers fall back on their deadlines
        readIndexQueued.clear();
        readIndexInFlight = null;
        stats.proposalsDroppedCount += pending.size();
        pending.clear();
        pendingSizeBytes = 0;
    }

    private void refuse(int to, long refusedBallot) {
        stats.refusalsSentCount++;
        send(new Message.Refuse(nodeIndex, to, refusedBallot, promisedBallot, leaderIndex));
    }

    private void send(Message message) {
        outbox.add(message);
    }

    private List<Entry> entriesBetween(long first, long end) {
        ArrayList<Entry> entries = new ArrayList<>((int) (end - first));
        for (long slot = first; slot < end; slot++) {
            Entry entry = slots.entry(slot);
            Assert.that(entry != null, "no entry at slot %d", slot);
            entries.add(entry);
        }
        return entries;
    }

    private boolean isPeer(int index) {
        return index != nodeIndex && (membersMask & (1 << index)) != 0;
    }

    private int randomElectionTimeout() {
        return random.nextInt(config.electionTimeoutTicksMin(), config.electionTimeoutTicksMax());
    }

    private String prefix() {
        return "node=" + nodeIndex + " role=" + role.name().toLowerCase(java.util.Locale.ROOT)
                + " ballot=" + Ballots.toString(role == Role.FOLLOWER ? promisedBallot : ballot);
    }

    void checkInvariants() {
        Assert.that(snapshotBelow <= appliedBelow, "snapshot %d above applied %d", snapshotBelow,
                appliedBelow);
        Assert.that(appliedBelow <= chosenBelow, "applied %d above chosen %d", appliedBelow,
                chosenBelow);
        Assert.that(slots.slotFirst() == snapshotBelow, "log starts at %d, snapshot at %d",
                slots.slotFirst(), snapshotBelow);
        Assert.that(chosenBelow <= Math.max(slots.slotEnd(), snapshotBelow),
                "chosen %d beyond log end %d", chosenBelow, slots.slotEnd());
        Assert.that(!slots.chosen(chosenBelow), "chosen prefix %d not advanced", chosenBelow);
        Assert.that(promisedBallotDurable <= promisedBallot, "durable promise above promise");
        Assert.that(pendingSizeBytes >= 0 && (pendingSizeBytes == 0 || !pending.isEmpty()),
                "pending size %d bytes for %d commands", pendingSizeBytes, pending.size());
        Assert.that(role == Role.LEADER || pending.isEmpty(), "commands queued off the leader");
        long scanFrom = Math.max(snapshotBelow, chosenBelow - 64);
        for (long slot = scanFrom; slot < chosenBelow; slot++) {
            Assert.that(slots.chosen(slot), "slot %d in chosen prefix not chosen", slot);
        }
        if (role != Role.FOLLOWER) {
            Assert.that(Ballots.nodeIndex(ballot) == nodeIndex, "own ballot of another node");
            Assert.that(promisedBallot == ballot, "leading at %d but promised %d", ballot,
                    promisedBallot);
        }
        if (role == Role.LEADER) {
            Assert.that(leaderIndex == nodeIndex, "leader does not know itself");
            Assert.that(slotNext >= chosenBelow, "slotNext %d below chosen %d", slotNext,
                    chosenBelow);
            for (long slot = chosenBelow; slot < slotNext; slot++) {
                Entry entry = slots.entry(slot);
                Assert.that(entry != null, "leader hole at slot %d", slot);
                Assert.that(slots.chosen(slot) || entry.ballot() == ballot,
                        "leader slot %d holds an entry of another ballot", slot);
            }
        }
    }
}
