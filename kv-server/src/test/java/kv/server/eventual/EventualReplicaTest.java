package kv.server.eventual;

import static kv.server.eventual.TestCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import kv.server.statemachine.KeyRecords;
import org.junit.jupiter.api.Test;

/** The replica's behaviour on a controlled network (DESIGN.md "Eventual keyspaces"). */
class EventualReplicaTest {
    private static final UnaryOperator<EventualConfig> NO_ANTI_ENTROPY =
            config -> config.withTimings(config.writeTimeoutNanos(), config.readTimeoutNanos(),
                    config.pushRetryNanos(), 3_600_000L * 1_000_000);

    @Test
    void writeAtOneIsAnsweredAtOnceAndPushedToEveryPeer() {
        // Any node accepts a write; it replicates asynchronously to all peers.
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        long request = cluster.write(0, Level.ONE, "SET", "k", "v");
        assertThat(cluster.reply(request)).isEqualTo("OK");
        cluster.deliverAll();
        for (int node = 0; node < 3; node++) {
            assertThat(cluster.get(node, "GET", "k")).isEqualTo("v");
        }
        Version version = value(cluster, 0, "k").version();
        assertThat(version.nodeIndex()).isEqualTo(0);
        assertThat(value(cluster, 2, "k").version())
                .isEqualTo(version);
    }

    @Test
    void quorumWriteWaitsForAPeerAck() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        long request = cluster.write(1, Level.QUORUM, "SET", "k", "v");
        assertThat(cluster.reply(request)).isEqualTo("(pending)");
        cluster.deliverAll();
        assertThat(cluster.reply(request)).isEqualTo("OK");
    }

    @Test
    void quorumWriteInAPartitionFailsWithTheCountAndStaysApplied() {
        // Cassandra-style: the level cannot be met in time; the write stays where it landed.
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.isolate(0);
        long request = cluster.write(0, Level.QUORUM, "SET", "k", "v");
        cluster.advanceMillis(990);
        assertThat(cluster.reply(request)).isEqualTo("(pending)");
        cluster.advanceMillis(20);
        assertThat(cluster.reply(request)).isEqualTo("-UNAVAILABLE write reached 1 of 2 required "
                + "replicas within 1000 ms; it stays applied on those and will spread by "
                + "anti-entropy");
        assertThat(cluster.get(0, "GET", "k")).isEqualTo("v");
        cluster.heal();
        cluster.advanceMillis(300); // the push is retried after pushRetry
        assertThat(cluster.get(2, "GET", "k")).isEqualTo("v");
    }

    @Test
    void allWriteCountsEveryReplica() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.isolate(2);
        long request = cluster.write(0, Level.ALL, "SET", "k", "v");
        cluster.deliverAll();
        assertThat(cluster.reply(request)).isEqualTo("(pending)");
        cluster.advanceMillis(1010);
        assertThat(cluster.reply(request)).startsWith("-UNAVAILABLE write reached 2 of 3");
    }

    @Test
    void quorumReadReturnsTheNewestAndRepairsStaleReplicas() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "SET", "k", "old");
        cluster.deliverAll();
        cluster.isolate(1);
        cluster.isolate(2);
        cluster.write(2, Level.ONE, "SET", "k", "new"); // only node 2 holds it
        cluster.heal();
        cluster.isolate(1);
        long read = cluster.read(0, Level.QUORUM, "GET", "k");
        cluster.deliverAll();
        assertThat(cluster.reply(read)).isEqualTo("new");
        assertThat(cluster.get(0, "GET", "k")).isEqualTo("new"); // the coordinator merged it
        cluster.heal();
        long all = cluster.read(0, Level.ALL, "GET", "k");
        cluster.deliverAll();
        assertThat(cluster.reply(all)).isEqualTo("new");
        assertThat(cluster.get(1, "GET", "k")).isEqualTo("new"); // read repair
        assertThat(cluster.node(0).replica.stats().readRepairs).isPositive();
    }

    @Test
    void quorumReadWithoutEnoughReplicasFailsInBoundedTime() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.isolate(0);
        long read = cluster.read(0, Level.QUORUM, "GET", "k");
        cluster.advanceMillis(1010);
        assertThat(cluster.reply(read)).isEqualTo(
                "-UNAVAILABLE read reached 1 of 2 required replicas within 1000 ms");
    }

    @Test
    void pushResumesFromDurableProgressAfterARestart() {
        // Per-peer progress is durable: no anti-entropy here, yet the peer catches up.
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "SET", "a", "1");
        cluster.deliverAll();
        cluster.isolate(0);
        cluster.write(0, Level.ONE, "SET", "b", "2");
        cluster.write(0, Level.ONE, "HSET", "h", "f", "v");
        cluster.deliverAll();
        cluster.restart(0);
        cluster.heal();
        cluster.advanceMillis(20);
        assertThat(cluster.get(1, "GET", "b")).isEqualTo("2");
        assertThat(cluster.get(1, "HGET", "h", "f")).isEqualTo("v");
        assertThat(cluster.node(0).replica.stats().pushBatchesSent).isPositive();
    }

    /**
     * Round trips longer than the anti-entropy interval: a round must not be replaced by the next
     * one while its replies are on the way (it was, so no range reply was ever compared).
     */
    @Test
    void antiEntropyRepairsOverLinksSlowerThanItsInterval() {
        TestCluster cluster = replicaWipedAfterWrites(2, 20);
        cluster.advanceMillisOnSlowLinks(3_000, 80); // one hop per 80 ms: 160 ms round trips
        assertThat(cluster.get(1, "DBSIZE")).isEqualTo("20");
        assertThat(cluster.node(1).replica.keyspaceDigest(TestCluster.KEYSPACE))
                .isEqualTo(cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE));
    }

    /**
     * Rounds with peers that are down must not hold back the rounds with the one that answers
     * (on links slower than the interval): waiting out each silent round costs 3 x 4 intervals
     * per round with the live peer.
     */
    @Test
    void antiEntropyKeepsItsPaceWithPeersDown() {
        TestCluster cluster = replicaWipedAfterWrites(5, 40);
        for (int node = 2; node < 5; node++) cluster.node(node).crash();
        // Deterministic: all 40 by 2.5 s; waiting out every silent round, 24 (all by 4 s).
        cluster.advanceMillisOnSlowLinks(2_500, 80);
        assertThat(cluster.get(1, "DBSIZE")).isEqualTo("40");
    }

    /**
     * A cluster with anti-entropy every 50 ms where node 0 wrote {@code keys} keys, replicated
     * everywhere, and node 1 then lost its disk: only anti-entropy can bring them back.
     */
    private static TestCluster replicaWipedAfterWrites(int nodesCount, int keys) {
        TestCluster cluster = new TestCluster(nodesCount, config -> config.withTimings(
                config.writeTimeoutNanos(), config.readTimeoutNanos(), config.pushRetryNanos(),
                50_000_000L));
        for (int i = 0; i < keys; i++) cluster.write(0, Level.ONE, "SET", "k" + i, "v" + i);
        cluster.deliverAll();
        cluster.node(1).crash();
        cluster.node(1).wipe();
        cluster.node(1).start();
        return cluster;
    }

    @Test
    void antiEntropyRebuildsAWipedReplica() {
        TestCluster cluster = new TestCluster(3, config -> config.withTimings(
                config.writeTimeoutNanos(), config.readTimeoutNanos(), config.pushRetryNanos(),
                50_000_000L));
        for (int i = 0; i < 300; i++) cluster.write(i % 3, Level.ONE, "SET", "k" + i, "v" + i);
        cluster.write(0, Level.ONE, "ZADD", "z", "1", "a", "2", "b");
        cluster.write(1, Level.ONE, "DEL", "k7");
        cluster.deliverAll();
        cluster.node(2).crash();
        cluster.node(2).wipe();
        cluster.node(2).start();
        assertThat(cluster.get(2, "DBSIZE")).isEqualTo("0");
        cluster.advanceMillis(3_000);
        assertThat(cluster.get(2, "DBSIZE")).isEqualTo("300");
        assertThat(cluster.get(2, "GET", "k123")).isEqualTo("v123");
        assertThat(cluster.get(2, "GET", "k7")).isNull();
        assertThat(cluster.get(2, "ZRANGE", "z", "0", "-1")).isEqualTo("[a, b]");
        // Fully repaired: the same live values and versions as the others.
        long digest = cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE);
        assertThat(cluster.node(2).replica.keyspaceDigest(TestCluster.KEYSPACE)).isEqualTo(digest);
        assertThat(cluster.node(1).replica.keyspaceDigest(TestCluster.KEYSPACE)).isEqualTo(digest);
        long rangesRepaired = 0;
        for (TestNode node : cluster.nodes) {
            rangesRepaired += node.replica.stats().antiEntropyRangesRepaired;
        }
        assertThat(rangesRepaired).isPositive();
    }

    @Test
    void keyspaceDigestsAreEqualExactlyWhenReplicasHoldTheSameValues() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        assertThat(cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE)).isZero();
        cluster.write(0, Level.ONE, "SET", "a", "1");
        cluster.write(1, Level.ONE, "HSET", "h", "f", "v");
        cluster.write(2, Level.ONE, "DEL", "gone");
        cluster.deliverAll();
        long digest = cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE);
        assertThat(digest).isNotZero();
        for (TestNode node : cluster.nodes) {
            assertThat(node.replica.keyspaceDigest(TestCluster.KEYSPACE)).isEqualTo(digest);
            assertThat(node.replica.keyspaceDigest(TestCluster.KEYSPACE + 1)).isZero();
        }
        cluster.isolate(2);
        cluster.write(2, Level.ONE, "SET", "a", "2");
        assertThat(cluster.node(2).replica.keyspaceDigest(TestCluster.KEYSPACE))
                .isNotEqualTo(digest);
        cluster.heal();
        cluster.advanceMillis(300); // the push is retried
        long healed = cluster.node(2).replica.keyspaceDigest(TestCluster.KEYSPACE);
        assertThat(healed).isNotEqualTo(digest);
        assertThat(cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE)).isEqualTo(healed);
        // A deleted key counts like an absent one: back to the digest without it.
        cluster.write(0, Level.ONE, "DEL", "a");
        cluster.write(1, Level.ONE, "DEL", "h");
        cluster.deliverAll();
        for (TestNode node : cluster.nodes) {
            assertThat(node.replica.keyspaceDigest(TestCluster.KEYSPACE)).isZero();
        }
    }

    @Test
    void lagPerPeerCountsUnacknowledgedEntriesAndTheAgeOfTheOldest() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.isolate(2);
        cluster.write(0, Level.ONE, "SET", "a", "1");
        cluster.advanceMillis(100);
        cluster.write(0, Level.ONE, "SET", "b", "2");
        cluster.advanceMillis(50);
        EventualStats stats = cluster.node(0).replica.stats();
        assertThat(stats.peerLagEntries[1]).isZero();
        assertThat(stats.peerLagMillis[1]).isZero();
        assertThat(stats.peerLagEntries[2]).isEqualTo(2);
        assertThat(stats.peerLagMillis[2]).isBetween(150L, 160L);
        assertThat(stats.peerLagEntries[0]).isZero();
        cluster.heal();
        cluster.advanceMillis(300);
        assertThat(stats.peerLagEntries[2]).isZero();
        assertThat(stats.peerLagMillis[2]).isZero();
    }

    @Test
    void multiKeyWriteGivesEachKeyOneVersion() {
        TestCluster cluster = new TestCluster(1, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "MSET", "a", "1", "b", "2", "a", "3");
        Versioned a = value(cluster, 0, "a");
        Versioned b = value(cluster, 0, "b");
        assertThat(a.version()).isEqualTo(b.version());
        assertThat(cluster.get(0, "GET", "a")).isEqualTo("3");
        assertThat(KeyRecords.versionOf(a.blob())).isEqualTo(a.version().stamp());
    }

    @Test
    void unchangedKeysGetNoNewVersion() {
        TestCluster cluster = new TestCluster(1, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "SET", "k", "v");
        Version before = value(cluster, 0, "k").version();
        assertThat(cluster.reply(cluster.write(0, Level.ONE, "SET", "k", "w", "NX"))).isNull();
        assertThat(cluster.reply(cluster.write(0, Level.ONE, "HSET", "k", "f", "v")))
                .startsWith("-WRONGTYPE");
        assertThat(value(cluster, 0, "k").version())
                .isEqualTo(before);
    }

    @Test
    void deleteOfAKeyAbsentHereStillBeatsAnOlderValueElsewhere() {
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        cluster.isolate(0);
        cluster.write(1, Level.ONE, "SET", "k", "v");
        cluster.node(0).clock.wallMillis += 5; // the delete is later in real time too
        long delete = cluster.write(0, Level.ONE, "DEL", "k");
        assertThat(cluster.reply(delete)).isEqualTo("0");
        cluster.heal();
        cluster.advanceMillis(300);
        assertThat(cluster.get(1, "GET", "k")).isNull();
        assertThat(value(cluster, 1, "k").isTombstone())
                .isTrue();
    }

    @Test
    void sortedSetScoreChangeIsANewVersion() {
        // ZADD that only moves a score leaves the meta record alone; the value is new anyway.
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "ZADD", "z", "1", "a");
        cluster.deliverAll();
        cluster.write(0, Level.ONE, "ZADD", "z", "5", "a");
        cluster.deliverAll();
        assertThat(cluster.get(1, "ZSCORE", "z", "a")).isEqualTo("5");
    }

    @Test
    void transactionsAndFlushdbAreRefused() {
        TestCluster cluster = new TestCluster(1, NO_ANTI_ENTROPY);
        assertThat(cluster.reply(cluster.write(0, Level.ONE, "MULTI")))
                .startsWith("-ERR MULTI, EXEC and WATCH are not supported in eventual keyspaces");
        assertThat(cluster.reply(cluster.write(0, Level.ONE, "FLUSHDB")))
                .startsWith("-ERR FLUSHDB is not supported in eventual keyspaces");
    }

    @Test
    void everyStringHashAndSortedSetCommandWorks() {
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        String[][] writes = {
            {"SET", "s", "1"}, {"INCR", "s"}, {"INCRBY", "s", "5"}, {"DECR", "s"},
            {"APPEND", "s", "0"}, {"SETNX", "n", "x"}, {"GETSET", "n", "y"}, {"MSETNX", "m", "1"},
            {"HSET", "h", "a", "1", "b", "2"}, {"HMSET", "h", "c", "3"}, {"HSETNX", "h", "d", "4"},
            {"HINCRBY", "h", "a", "10"}, {"HDEL", "h", "b"}, {"ZADD", "z", "1", "x", "2", "y"},
            {"ZINCRBY", "z", "5", "x"}, {"ZREM", "z", "y"}, {"GETDEL", "m"}, {"UNLINK", "n"}};
        for (String[] write : writes) {
            assertThat(cluster.reply(cluster.write(0, Level.ONE, write))).doesNotStartWith("-");
        }
        cluster.deliverAll();
        assertThat(cluster.get(1, "GET", "s")).isEqualTo("60");
        assertThat(cluster.get(1, "HGETALL", "h")).isEqualTo("[a, 11, c, 3, d, 4]");
        assertThat(cluster.get(1, "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("[x, 6]");
        assertThat(cluster.get(1, "DBSIZE")).isEqualTo("3");
        assertThat(cluster.get(1, "EXISTS", "m", "n")).isEqualTo("0");
        assertThat(cluster.node(1).state.size()).isEqualTo(cluster.node(0).state.size());
    }

    @Test
    void corruptOrTruncatedMessagesAreRejectedNeverApplied() {
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        cluster.node(0).replica.write(1, TestNode.command(TestCluster.KEYSPACE, "SET", "k", "v"),
                Level.ONE);
        EventualReady ready = cluster.node(0).replica.ready();
        cluster.node(0).replica.advance();
        EventualReady.OutboundMessage push = ready.messagesToSend().get(0);
        cluster.flush(1); // the first turn persists the clock read at start
        byte[] truncated = java.util.Arrays.copyOf(push.body(), push.body().length - 1);
        cluster.node(1).replica.onMessage(0, push.frameType(), truncated);
        byte[] corrupt = push.body().clone();
        corrupt[corrupt.length - 3] ^= 0x5a; // inside the value blob
        cluster.node(1).replica.onMessage(0, push.frameType(), corrupt);
        cluster.node(1).replica.onMessage(0, 42, push.body()); // a consensus type
        cluster.node(1).replica.onMessage(0, EventualMessageType.PUSH.frameType, new byte[0]);
        assertThat(cluster.node(1).replica.stats().messagesRejected).isEqualTo(4);
        EventualReady after = cluster.node(1).replica.ready();
        cluster.node(1).replica.advance();
        assertThat(after.isEmpty()).isTrue();
    }

    @Test
    void restartKeepsTheClockAheadOfAWallClockThatWentBack() {
        TestCluster cluster = new TestCluster(1, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "SET", "k", "1");
        Version first = value(cluster, 0, "k").version();
        cluster.node(0).clock.wallMillis -= 60_000;
        cluster.restart(0);
        cluster.write(0, Level.ONE, "SET", "k", "2");
        Version second = value(cluster, 0, "k").version();
        assertThat(second).isGreaterThan(first);
        assertThat(cluster.get(0, "GET", "k")).isEqualTo("2");
    }

    @Test
    void tombstoneAcknowledgedByEveryPeerIsDroppedByItsWriter() {
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.write(0, Level.ONE, "SET", "k", "v");
        cluster.write(0, Level.ONE, "DEL", "k");
        cluster.deliverAll();
        cluster.advanceMillis(10); // a tick truncates the acknowledged log
        // Kept while an older value could still be in flight to this node.
        assertThat(value(cluster, 0, "k").isTombstone()).isTrue();
        assertThat(value(cluster, 0, "k").version()).isNotEqualTo(Version.ZERO);
        cluster.advanceMillis(5_000);
        assertThat(value(cluster, 0, "k").version())
                .isEqualTo(Version.ZERO);
        assertThat(value(cluster, 1, "k").isTombstone())
                .isTrue();
        assertThat(value(cluster, 1, "k").version())
                .isNotEqualTo(Version.ZERO);
    }

    @Test
    void tombstoneNotAcknowledgedIsDroppedOnlyAfterTheGracePeriod() {
        TestCluster cluster = new TestCluster(2,
                config -> NO_ANTI_ENTROPY.apply(config).withTombstoneGraceMillis(60_000));
        cluster.isolate(0);
        cluster.write(0, Level.ONE, "DEL", "k");
        cluster.advanceMillis(59_000);
        assertThat(value(cluster, 0, "k").isTombstone())
                .isTrue();
        assertThat(value(cluster, 0, "k").version())
                .isNotEqualTo(Version.ZERO);
        cluster.advanceMillis(2_000);
        assertThat(value(cluster, 0, "k").version())
                .isEqualTo(Version.ZERO);
        assertThat(cluster.node(0).replica.stats().tombstonesDropped).isEqualTo(1);
    }

    @Test
    void pushesArePacedUnlessAWriteWaitsForReplicas() {
        // Every push costs the peer an fsync: level-ONE writes reach a peer at most once per
        // push interval; a QUORUM write is pushed at once.
        TestCluster cluster = new TestCluster(2, config -> NO_ANTI_ENTROPY.apply(config)
                .withPushIntervalNanos(20 * EventualConfig.MILLIS_NANOS));
        cluster.write(0, Level.ONE, "SET", "a", "1");
        cluster.write(0, Level.ONE, "SET", "b", "2");
        cluster.deliverAll();
        assertThat(cluster.get(1, "GET", "a")).isEqualTo("1");
        assertThat(cluster.get(1, "GET", "b")).isNull();
        long quorum = cluster.write(0, Level.QUORUM, "SET", "c", "3");
        cluster.deliverAll();
        assertThat(cluster.reply(quorum)).isEqualTo("OK");
        assertThat(cluster.get(1, "GET", "b")).isEqualTo("2");
        cluster.write(0, Level.ONE, "SET", "d", "4");
        cluster.deliverAll();
        assertThat(cluster.get(1, "GET", "d")).isNull();
        cluster.advanceMillis(20);
        assertThat(cluster.get(1, "GET", "d")).isEqualTo("4");
    }

    /** Node {@code index} of two, with the keyspaces in {@code eventualMask} eventual. */
    private static TestNode pairNode(int index, long eventualMask) {
        return new TestNode(NO_ANTI_ENTROPY.apply(EventualConfig.defaults(index, 0b11))
                .withKeyspaces(eventualMask), new TestClock(1_700_000_000_000L));
    }

    @Test
    void valuesForAKeyspaceThatIsStrongHereAreRejected() {
        // Node 0 takes keyspace 1 as eventual; node 1 is configured with keyspace 1 strong (an
        // inconsistent cluster config): node 0's push must not write node 1's strong records.
        TestNode writer = pairNode(0, EventualConfig.ALL_KEYSPACES);
        TestNode strongHere = pairNode(1, 1L << (TestCluster.KEYSPACE + 1));
        writer.replica.write(1, TestNode.command(TestCluster.KEYSPACE, "SET", "k", "v"), Level.ONE);
        EventualReady.OutboundMessage push = writer.turn().get(0);
        strongHere.replica.onMessage(0, push.frameType(), push.body());
        assertThat(strongHere.turn()).as("no ack: the writer must not count this replica")
                .noneMatch(message -> EventualMessageType.ofFrameType(message.frameType())
                        == EventualMessageType.PUSH_ACK);
        assertThat(strongHere.replica.valueOf(TestCluster.KEYSPACE, bytes("k")).version())
                .as("unknown here").isEqualTo(Version.ZERO);
        assertThat(strongHere.replica.stats().messagesRejected).isEqualTo(1);
    }

    @Test
    void aNodeWhereTheKeyspaceIsStrongAnswersPeersThatItHoldsNothing() {
        // The reverse direction: a quorum read from a node that takes keyspace 1 as eventual
        // must not receive (and spread) the records node 1 holds there as a strong keyspace.
        TestNode reader = pairNode(0, EventualConfig.ALL_KEYSPACES);
        TestNode strongHere = pairNode(1, 1L << (TestCluster.KEYSPACE + 1));
        // Stands for a strong record of keyspace 1 on node 1 (same state records).
        strongHere.replica.write(1, TestNode.command(TestCluster.KEYSPACE, "SET", "k", "strong"),
                Level.ONE);
        strongHere.turn();
        reader.replica.read(2, TestNode.command(TestCluster.KEYSPACE, "GET", "k"), Level.QUORUM);
        EventualReady.OutboundMessage request = reader.turn().get(0);
        strongHere.replica.onMessage(0, request.frameType(), request.body());
        EventualReady.OutboundMessage reply = strongHere.turn().get(0);
        reader.replica.onMessage(1, reply.frameType(), reply.body());
        reader.turn();
        assertThat(TestNode.text(reader.replies.get(0).reply())).isNull();
        assertThat(reader.replica.valueOf(TestCluster.KEYSPACE, bytes("k")).version())
                .isEqualTo(Version.ZERO);
    }

    @Test
    void onlyTurnsThatAcknowledgeDurabilityMustSync() {
        // A client write and a merged push (its ack promises durability) sync; the pusher's
        // progress, ticks and reads need not: a crash loses them, and a re-push restores them.
        TestNode writer = new TestNode(NO_ANTI_ENTROPY.apply(EventualConfig.defaults(0, 0b11)),
                new TestClock(1_700_000_000_000L));
        TestNode peer = new TestNode(NO_ANTI_ENTROPY.apply(EventualConfig.defaults(1, 0b11)),
                new TestClock(1_700_000_000_000L));
        writer.replica.write(1, TestNode.command(TestCluster.KEYSPACE, "SET", "k", "v"),
                Level.ONE);
        EventualReady.OutboundMessage push = writer.turn().get(0);
        assertThat(writer.lastReady.mustSync()).isTrue();
        peer.replica.onMessage(0, push.frameType(), push.body());
        EventualReady.OutboundMessage ack = peer.turn().get(0);
        assertThat(peer.lastReady.mustSync()).isTrue();
        assertThat(EventualMessageType.ofFrameType(ack.frameType()))
                .isEqualTo(EventualMessageType.PUSH_ACK);
        writer.replica.onMessage(1, ack.frameType(), ack.body());
        writer.turn();
        assertThat(writer.lastReady.mustPersist()).isTrue();
        assertThat(writer.lastReady.mustSync()).isFalse();
        writer.replica.read(2, TestNode.command(TestCluster.KEYSPACE, "GET", "k"), Level.ONE);
        writer.replica.tick(10_000_000);
        writer.turn();
        assertThat(writer.lastReady.mustSync()).isFalse();
        assertThat(TestNode.text(writer.replies.get(1).reply())).isEqualTo("v");
        // The unsynced progress is lost in a crash; the value, synced with its write, is not.
        writer.crash();
        writer.start();
        assertThat(writer.replica.valueOf(TestCluster.KEYSPACE, bytes("k")).blob()).isNotNull();
    }

    @Test
    void aNewLinkResendsUnacknowledgedPushesAtOnceAndADownLinkGetsNone() {
        // Frames sent on a link that broke may be lost: a new link generation resends without
        // waiting for the retry time; while a link is down nothing is built for that peer.
        TestCluster cluster = new TestCluster(2, config -> NO_ANTI_ENTROPY.apply(config)
                .withTimings(config.writeTimeoutNanos(), config.readTimeoutNanos(),
                        3_600_000L * 1_000_000, config.antiEntropyIntervalNanos()));
        cluster.node(0).replica.onLink(1, true, 1);
        cluster.isolate(0);
        cluster.write(0, Level.ONE, "SET", "lost", "1"); // pushed, then lost on the cut link
        cluster.deliverAll();
        cluster.node(0).replica.onLink(1, false, 1);
        long sentBefore = cluster.node(0).replica.stats().pushBatchesSent;
        cluster.write(0, Level.ONE, "SET", "later", "2");
        assertThat(cluster.node(0).replica.stats().pushBatchesSent).isEqualTo(sentBefore);
        cluster.heal();
        cluster.node(0).replica.onLink(1, true, 2);
        cluster.flush(0);
        cluster.deliverAll();
        assertThat(cluster.get(1, "GET", "lost")).isEqualTo("1");
        assertThat(cluster.get(1, "GET", "later")).isEqualTo("2");
    }

    @Test
    void aLoggedWriteThatANewerValueReplacedIsNotPushed() {
        // Its position still counts; the newer value's writer pushes that one.
        TestCluster cluster = new TestCluster(2, NO_ANTI_ENTROPY);
        cluster.isolate(0);
        cluster.write(0, Level.ONE, "SET", "k", "older");
        cluster.write(0, Level.ONE, "SET", "mine", "x");
        cluster.node(1).clock.wallMillis += 1_000;
        cluster.write(1, Level.ONE, "SET", "k", "newer");
        cluster.deliverAll(); // every push so far is lost in the partition
        cluster.heal();
        cluster.node(1).clock.nanos += 300_000_000L; // node 1 resends its lost push first
        cluster.node(1).replica.tick(cluster.node(1).clock.nanos);
        cluster.flush(1);
        cluster.deliverAll(); // node 0 merges "newer" before its own backlog goes out
        long sentBefore = cluster.node(0).replica.stats().pushUpdatesSent;
        cluster.advanceMillis(300); // node 0 resends its lost backlog
        assertThat(cluster.node(0).replica.stats().pushUpdatesSent - sentBefore).isEqualTo(1);
        assertThat(cluster.get(1, "GET", "mine")).isEqualTo("x");
        assertThat(cluster.get(0, "GET", "k")).isEqualTo("newer");
        assertThat(cluster.get(1, "GET", "k")).isEqualTo("newer");
    }

    @Test
    void aBacklogOnBothSidesOfAPartitionConvergesWithoutResendingIt() {
        // After a partition both sides push their backlog: merged while acks keep coming, not
        // sent again for a busy receiver.
        TestCluster cluster = new TestCluster(3, NO_ANTI_ENTROPY);
        cluster.isolate(2);
        int keys = 2_000;
        for (int i = 0; i < keys; i++) {
            cluster.write(0, Level.ONE, "SET", "k" + i, "a" + i);
            cluster.write(2, Level.ONE, "SET", "k" + i, "b" + i);
        }
        cluster.advanceMillis(10);
        cluster.heal();
        cluster.advanceMillis(400); // the lost pushes are retried after 200 ms
        long digest = cluster.node(0).replica.keyspaceDigest(TestCluster.KEYSPACE);
        for (TestNode node : cluster.nodes) {
            assertThat(node.replica.keyspaceDigest(TestCluster.KEYSPACE)).isEqualTo(digest);
            assertThat(node.replica.stats().pushBatchesRetried).isLessThanOrEqualTo(2);
        }
        assertThat(cluster.get(1, "DBSIZE")).isEqualTo(Integer.toString(keys));
        long pushed = 0;
        for (TestNode node : cluster.nodes) pushed += node.replica.stats().pushUpdatesSent;
        assertThat(pushed).isLessThanOrEqualTo(2L * keys * 3); // each value to each peer once
    }

    private static Versioned value(TestCluster cluster, int node, String key) {
        return cluster.node(node).replica.valueOf(TestCluster.KEYSPACE, bytes(key));
    }
}
