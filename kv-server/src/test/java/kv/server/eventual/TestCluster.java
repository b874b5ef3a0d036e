package kv.server.eventual;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.UnaryOperator;
import kv.server.command.Command;

/**
 * Replicas wired by a FIFO network the test controls: partitions, delivery until quiet, and time
 * advanced in 10 ms ticks. Deterministic; for unit tests (the simulator adds faults).
 */
final class TestCluster {
    static final int KEYSPACE = 1;
    static final long TICK_MILLIS = 10;

    private record InFlight(int from, int to, int frameType, byte[] body) {}

    final TestNode[] nodes;
    private final boolean[][] blocked;
    private final ArrayDeque<InFlight> network = new ArrayDeque<>();
    private long requestIdNext = 1;
    long messagesDelivered;

    TestCluster(int nodesCount, UnaryOperator<EventualConfig> tweak) {
        nodes = new TestNode[nodesCount];
        blocked = new boolean[nodesCount][nodesCount];
        int mask = (1 << nodesCount) - 1;
        for (int i = 0; i < nodesCount; i++) {
            // Push every turn, so delivering until quiet needs no clock (pacing has its test);
            // no links here to report a reconnect, so lost pushes are resent after 200 ms.
            EventualConfig defaults = EventualConfig.defaults(i, mask);
            EventualConfig config = tweak.apply(defaults.withTimings(defaults.writeTimeoutNanos(),
                    defaults.readTimeoutNanos(), 200 * EventualConfig.MILLIS_NANOS,
                    defaults.antiEntropyIntervalNanos()).withPushIntervalNanos(0));
            nodes[i] = new TestNode(config, new TestClock(1_700_000_000_000L));
        }
    }

    TestNode node(int index) {
        return nodes[index];
    }

    long write(int node, Level level, String... words) {
        long requestId = requestIdNext++;
        Command command = TestNode.command(KEYSPACE, words);
        nodes[node].replica.write(requestId, command, level);
        flush(node);
        return requestId;
    }

    long read(int node, Level level, String... words) {
        long requestId = requestIdNext++;
        nodes[node].replica.read(requestId, TestNode.command(KEYSPACE, words), level);
        flush(node);
        return requestId;
    }

    /** The reply to {@code requestId} as text, or "(pending)". */
    String reply(long requestId) {
        for (TestNode node : nodes) {
            for (EventualReady.ReplyToSend reply : node.replies) {
                if (reply.requestId() == requestId) return TestNode.text(reply.reply());
            }
        }
        return "(pending)";
    }

    /** A local (ONE) read, answered at once. */
    String get(int node, String... words) {
        return reply(read(node, Level.ONE, words));
    }

    void flush(int node) {
        for (EventualReady.OutboundMessage message : nodes[node].turn()) {
            network.add(new InFlight(node, message.toNodeIndex(), message.frameType(),
                    message.body()));
        }
    }

    /** Delivers until no message is left; blocked or down destinations lose theirs. */
    void deliverAll() {
        for (int steps = 0; !network.isEmpty(); steps++) {
            if (steps > 1_000_000) throw new AssertionError("network never went quiet");
            deliver(network.poll());
        }
    }

    /** Delivers what is in flight now; the answers wait for the next hop. */
    private void deliverOneHop() {
        for (int count = network.size(); count > 0; count--) deliver(network.poll());
    }

    private void deliver(InFlight message) {
        TestNode to = nodes[message.to()];
        if (blocked[message.from()][message.to()] || !to.isUp()) return;
        messagesDelivered++;
        to.replica.onMessage(message.from(), message.frameType(), message.body());
        flush(message.to());
    }

    /** Moves every clock forward in ticks, delivering after each. */
    void advanceMillis(long millis) {
        advance(millis, 0);
    }

    /**
     * As {@link #advanceMillis}, but on slow links: messages move one hop per {@code hopMillis}
     * (a message sent now arrives at the next hop time; its answer at the one after).
     */
    void advanceMillisOnSlowLinks(long millis, long hopMillis) {
        advance(millis, hopMillis);
    }

    private void advance(long millis, long hopMillis) {
        for (long done = 0; done < millis; done += TICK_MILLIS) {
            for (TestNode node : nodes) {
                node.clock.nanos += TICK_MILLIS * 1_000_000;
                node.clock.wallMillis += TICK_MILLIS;
                if (!node.isUp()) continue;
                node.replica.tick(node.clock.nanos);
                flush(node.index);
            }
            if (hopMillis == 0) {
                deliverAll();
            } else if ((done + TICK_MILLIS) % hopMillis == 0) {
                deliverOneHop();
            }
        }
    }

    void isolate(int node) {
        for (int other = 0; other < nodes.length; other++) {
            if (other == node) continue;
            blocked[node][other] = true;
            blocked[other][node] = true;
        }
    }

    void heal() {
        for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
    }

    void restart(int node) {
        nodes[node].crash();
        nodes[node].start();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
