package kv.server.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaTest {
    private static TestCluster electedCluster(int count, int leader) {
        TestCluster cluster = new TestCluster(count, 7);
        cluster.replica(leader).campaign();
        cluster.process(leader);
        cluster.stabilize();
        assertThat(cluster.replica(leader).role()).isEqualTo(Role.LEADER);
        return cluster;
    }

    private static void heartbeat(TestCluster cluster, int leader) {
        cluster.tick(leader, 2);
        cluster.stabilize();
    }

    @Test
    void acceptorRefusesBallotsBelowItsPromise() {
        // Property: an acceptor that promised ballot n refuses any prepare or accept numbered
        // below n (Paxos Made Simple, section 2.2, P1a).
        TestCluster cluster = new TestCluster(3, 1);
        Replica acceptor = cluster.replica(0);
        acceptor.step(new Message.Prepare(1, 0, Ballots.of(5, 1), 0));
        cluster.process(0);
        acceptor.step(new Message.Prepare(2, 0, Ballots.of(4, 2), 0));
        acceptor.step(new Message.Accept(2, 0, Ballots.of(4, 2),
                List.of(new Entry(0, Ballots.of(4, 2), Value.NOOP)), 0));
        List<Message> sent = cluster.process(0);
        assertThat(sent).hasSize(2).allMatch(m -> m.type() == MessageType.REFUSE);
        assertThat(((Message.Refuse) sent.get(0)).promisedBallot()).isEqualTo(Ballots.of(5, 1));
        assertThat(acceptor.entry(0)).isNull();
    }

    @Test
    void promiseIsDurableBeforeItIsSent() {
        // Property: an acceptor records its promise in stable storage before answering
        // (Paxos Made Simple, section 2.3; Paxos Made Live, section 5.1): the Ready carrying
        // the Promise also carries the promised ballot to persist.
        TestCluster cluster = new TestCluster(3, 1);
        Replica acceptor = cluster.replica(0);
        acceptor.step(new Message.Prepare(1, 0, Ballots.of(3, 1), 0));
        Ready ready = acceptor.ready();
        assertThat(ready.messagesToSend()).singleElement()
                .matches(m -> m.type() == MessageType.PROMISE);
        assertThat(ready.mustPersist()).isTrue();
        assertThat(ready.promisedBallot()).isEqualTo(Ballots.of(3, 1));
        acceptor.advance(ready);
    }

    @Test
    void restartKeepsThePromise() {
        // Property: promises survive a crash, so a restarted acceptor still refuses lower
        // ballots (Paxos Made Simple, section 2.3: acceptors remember through failures).
        TestCluster cluster = new TestCluster(3, 1);
        cluster.replica(0).step(new Message.Prepare(1, 0, Ballots.of(6, 1), 0));
        cluster.process(0);
        cluster.restart(0);
        assertThat(cluster.replica(0).promisedBallot()).isEqualTo(Ballots.of(6, 1));
        cluster.replica(0).step(new Message.Prepare(2, 0, Ballots.of(5, 2), 0));
        assertThat(cluster.process(0)).singleElement()
                .matches(m -> m.type() == MessageType.REFUSE);
    }

    @Test
    void newLeaderReproposesTheHighestBallotValue() {
        // Property: a new leader proposes, in each slot, the value of the highest-numbered
        // proposal reported by its promise quorum (Paxos Made Simple, section 2.2, P2c).
        TestCluster cluster = new TestCluster(3, 1);
        Replica candidate = cluster.replica(0);
        candidate.campaign();
        cluster.process(0);
        cluster.queue.clear();
        long ballot = candidate.ballot();
        Value low = Value.commands(new byte[][] {TestCluster.bytes("low")});
        Value high = Value.commands(new byte[][] {TestCluster.bytes("high")});
        candidate.step(new Message.Promise(1, 0, ballot, 0, 0,
                List.of(new Entry(4, Ballots.of(1, 1), low))));
        assertThat(candidate.role()).isEqualTo(Role.LEADER);
        assertThat(candidate.entry(4).value().sameAs(low)).isTrue();
        TestCluster other = new TestCluster(3, 1);
        Replica second = other.replica(0);
        second.campaign();
        other.process(0);
        second.step(new Message.Promise(1, 0, second.ballot(), 0, 0,
                List.of(new Entry(4, Ballots.of(1, 1), low))));
        // Same slot, two reports: with a 5-node group both promises are needed.
        TestCluster five = new TestCluster(5, 1);
        Replica leader = five.replica(0);
        leader.campaign();
        five.process(0);
        leader.step(new Message.Promise(1, 0, leader.ballot(), 0, 0,
                List.of(new Entry(4, Ballots.of(1, 1), low))));
        leader.step(new Message.Promise(2, 0, leader.ballot(), 0, 0,
                List.of(new Entry(4, Ballots.of(2, 2), high))));
        assertThat(leader.role()).isEqualTo(Role.LEADER);
        assertThat(leader.entry(4).value().sameAs(high)).isTrue();
        assertThat(leader.entry(4).ballot()).isEqualTo(leader.ballot());
    }

    @Test
    void holesBecomeNoops() {
        // Property: a new leader fills slots below its highest known slot that no acceptor
        // reported with no-ops, so the log has no gaps (Paxos Made Simple, section 3).
        TestCluster cluster = new TestCluster(3, 1);
        Replica leader = cluster.replica(0);
        leader.campaign();
        cluster.process(0);
        Value value = Value.commands(new byte[][] {TestCluster.bytes("v")});
        leader.step(new Message.Promise(1, 0, leader.ballot(), 0, 0,
                List.of(new Entry(3, Ballots.of(1, 1), value))));
        for (long slot = 0; slot < 3; slot++) {
            assertThat(leader.entry(slot).value().kind()).isEqualTo(ValueKind.NOOP);
        }
        assertThat(leader.entry(3).value().sameAs(value)).isTrue();
    }

    @Test
    void followerAnswersNotLeaderWithTheLeaderItKnows() {
        // Property: proposals at a non-leader return a result, not an exception (STYLE.md
        // section 6), naming the leader so the server can forward (Paxos Made Live, 4.1).
        TestCluster cluster = electedCluster(3, 0);
        assertThat(cluster.replica(1).propose(TestCluster.bytes("x")))
                .isEqualTo(ProposeResult.NOT_LEADER);
        assertThat(cluster.replica(1).leaderIndex()).isEqualTo(0);
    }

    @Test
    void batchesAndPipelineAreBounded() {
        // Property: one slot carries at most the batch bound of commands, and at most the
        // pipeline bound of slots is in flight (Paxos Made Live, section 4.1, batching).
        TestCluster cluster = new TestCluster(3, 1);
        for (int i = 0; i < 3; i++) {
            cluster.configure(i, ReplicaConfig.defaults(i, cluster.membersMask).withBatch(100, 2));
        }
        cluster.replica(0).campaign();
        cluster.process(0);
        cluster.stabilize();
        Replica leader = cluster.replica(0);
        long first = leader.slotEnd();
        for (int i = 0; i < 450; i++) leader.propose(TestCluster.bytes("c" + i));
        cluster.process(0);
        assertThat(leader.slotEnd() - leader.chosenBelow()).isLessThanOrEqualTo(2);
        assertThat(leader.entry(first).value().commands().length).isEqualTo(100);
        cluster.stabilize();
        for (int round = 0; round < 10; round++) {
            cluster.process(0);
            cluster.stabilize();
        }
        heartbeat(cluster, 0);
        for (int node = 0; node < 3; node++) {
            assertThat(cluster.appliedCommands(node)).hasSize(450);
            assertThat(cluster.appliedCommands(node).get(449)).isEqualTo("c449");
        }
    }

    @Test
    void fullProposalQueueAnswersBusy() {
        // Property: every queue is bounded (STYLE.md section 4); a full one answers BUSY
        // (the server replies -BUSY) and never drops or corrupts what it already holds.
        TestCluster cluster = electedCluster(3, 0);
        Replica leader = cluster.replica(0);
        byte[] command = TestCluster.bytes("c");
        for (int i = 0; i < kv.server.Limits.PROPOSALS_PENDING_COUNT_MAX; i++) {
            assertThat(leader.propose(command)).isEqualTo(ProposeResult.QUEUED);
        }
        assertThat(leader.propose(command)).isEqualTo(ProposeResult.BUSY);
        assertThat(leader.pendingCount()).isEqualTo(kv.server.Limits.PROPOSALS_PENDING_COUNT_MAX);
        byte[] huge = new byte[kv.server.Limits.BATCH_SIZE_BYTES_MAX];
        assertThat(leader.propose(huge)).isEqualTo(ProposeResult.TOO_LARGE);
    }

    @Test
    void followersLearnTheChosenPrefixWithoutWaitingForAHeartbeat() {
        // Property: learners apply chosen values in slot order with no gaps; the leader
        // announces a new commit point at once when no Accept carries it (Paxos Made Simple,
        // section 3), so a follower answering its client does not wait for a heartbeat tick.
        TestCluster cluster = electedCluster(3, 0);
        cluster.replica(0).propose(TestCluster.bytes("a"));
        cluster.replica(0).propose(TestCluster.bytes("b"));
        cluster.process(0);
        cluster.stabilize();
        assertThat(cluster.appliedCommands(1)).containsExactly("a", "b");
        assertThat(cluster.appliedCommands(2)).containsExactly("a", "b");
    }

    @Test
    void stickyFollowerRefusesACompetingBallot() {
        // Property: a node that heard a live leader within the election timeout refuses to
        // promise a competing ballot, so a flapping node cannot depose a working leader
        // (Paxos Made Live, section 5.2, master leases; DESIGN.md "Election").
        TestCluster cluster = electedCluster(3, 0);
        cluster.replica(1).step(new Message.Prepare(2, 1, Ballots.of(9, 2), 1));
        assertThat(cluster.process(1)).singleElement()
                .matches(m -> m.type() == MessageType.REFUSE);
        assertThat(cluster.replica(1).promisedBallot()).isLessThan(Ballots.of(9, 2));
        cluster.tick(1, 10); // no heartbeat for the minimum election timeout
        cluster.queue.clear();
        cluster.replica(1).step(new Message.Prepare(2, 1, Ballots.of(9, 2), 1));
        List<Message> sent = cluster.process(1);
        assertThat(sent).anyMatch(m -> m.type() == MessageType.PROMISE);
    }

    @Test
    void refusedCandidateRetriesWithAHigherBallot() {
        // Property: a proposer that learns of a higher-numbered promise abandons its ballot and
        // later tries above it (Paxos Made Simple, section 2.4 and 3: progress).
        TestCluster cluster = new TestCluster(3, 1);
        cluster.replica(1).step(new Message.Prepare(2, 1, Ballots.of(7, 2), 0));
        cluster.process(1);
        cluster.replica(0).campaign();
        cluster.process(0);
        cluster.stabilize();
        assertThat(cluster.replica(0).role()).isNotEqualTo(Role.LEADER);
        cluster.replica(0).campaign();
        cluster.process(0);
        assertThat(Ballots.round(cluster.replica(0).ballot())).isGreaterThan(7);
    }

    @Test
    void laggingReplicaInstallsASnapshotWhenTheLogWasCompacted() {
        // Property: a replica missing slots that peers compacted away catches up by installing
        // a snapshot, then applies later slots in order (Paxos Made Live, section 5.5).
        TestCluster cluster = electedCluster(3, 0);
        cluster.down[2] = true;
        for (int i = 0; i < 5; i++) {
            cluster.replica(0).propose(TestCluster.bytes("x" + i));
            cluster.process(0);
            cluster.stabilize();
        }
        heartbeat(cluster, 0);
        Replica leader = cluster.replica(0);
        long applied = leader.appliedBelow();
        cluster.durable[0].snapshot = new Snapshot(applied, cluster.membersMask,
                TestCluster.bytes("state"));
        leader.compact(applied);
        cluster.process(0);
        cluster.down[2] = false;
        cluster.restart(2);
        heartbeat(cluster, 0);
        heartbeat(cluster, 0);
        assertThat(leader.stats().snapshotsRequestedCount).isPositive();
        assertThat(cluster.replica(2).snapshotBelow()).isEqualTo(applied);
        assertThat(cluster.replica(2).appliedBelow()).isEqualTo(applied);
        cluster.replica(0).propose(TestCluster.bytes("after"));
        cluster.process(0);
        cluster.stabilize();
        heartbeat(cluster, 0);
        assertThat(cluster.appliedCommands(2)).containsExactly("snapshot(state)", "after");
    }

    @Test
    void snapshotTravelsInBoundedChunksAndRestartsWhenOutOfOrder() {
        // Property: a snapshot larger than one message is sent in chunks of at most
        // SNAPSHOT_CHUNK_SIZE_BYTES_MAX and installed only when complete and in order
        // (Paxos Made Live, section 5.5; STYLE.md section 4, every message bounded).
        TestCluster cluster = new TestCluster(3, 3);
        int chunk = kv.server.Limits.SNAPSHOT_CHUNK_SIZE_BYTES_MAX;
        byte[] data = new byte[chunk * 2 + chunk / 2];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        Snapshot snapshot = new Snapshot(10, cluster.membersMask, data);
        cluster.replica(0).sendSnapshot(1, snapshot);
        List<Message> chunks = cluster.process(0);
        assertThat(chunks).hasSize(3).allMatch(m -> m.type() == MessageType.SNAPSHOT_CHUNK
                && ((Message.SnapshotChunk) m).data().length <= chunk);
        Replica receiver = cluster.replica(1);
        receiver.step(chunks.get(0));
        receiver.step(chunks.get(2)); // out of order: ignored, nothing installed
        assertThat(receiver.hasReady()).isFalse();
        receiver.step(chunks.get(1));
        receiver.step(chunks.get(2));
        Ready ready = receiver.ready();
        assertThat(ready.snapshotToInstall()).isNotNull();
        assertThat(ready.snapshotToInstall().data()).isEqualTo(data);
        assertThat(ready.entriesToApply()).isEmpty();
        receiver.advance(ready);
        assertThat(receiver.snapshotBelow()).isEqualTo(10);
        assertThat(receiver.appliedBelow()).isEqualTo(10);
        assertThat(receiver.chosenBelow()).isEqualTo(10);
        assertThat(receiver.ready().snapshotBelow()).isEqualTo(10); // persisted next
    }

    @Test
    void laggingReplicaLearnsChosenEntries() {
        // Property: a replica that missed accepts learns the chosen values from the leader
        // and applies them in order (Paxos Made Simple, section 2.4, learning a chosen value).
        TestCluster cluster = electedCluster(3, 0);
        cluster.down[2] = true;
        for (int i = 0; i < 3; i++) {
            cluster.replica(0).propose(TestCluster.bytes("y" + i));
            cluster.process(0);
            cluster.stabilize();
        }
        cluster.down[2] = false;
        heartbeat(cluster, 0);
        heartbeat(cluster, 0);
        assertThat(cluster.appliedCommands(2)).containsExactly("y0", "y1", "y2");
    }
}
