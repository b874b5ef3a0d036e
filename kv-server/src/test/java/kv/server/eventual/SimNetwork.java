package kv.server.eventual;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A network that delays (1..delayMillisMax), drops, duplicates and so reorders frames, and cuts
 * partitions: a frame is delivered only if sender and receiver are in the same group when it
 * arrives. Deterministic: ties in delivery time break by send order.
 */
final class SimNetwork {
    record Frame(long deliverAtMillis, long order, int from, int to, int frameType, byte[] body) {}

    private final SplittableRandom random;
    private final double dropProbability;
    private final double duplicateProbability;
    private final int delayMillisMax;
    private final PriorityQueue<Frame> inFlight = new PriorityQueue<>((a, b) ->
            a.deliverAtMillis != b.deliverAtMillis
                    ? Long.compare(a.deliverAtMillis, b.deliverAtMillis)
                    : Long.compare(a.order, b.order));
    private final int[] group;
    private long orderNext;
    boolean faulty = true;

    SimNetwork(int nodesCount, SplittableRandom random, double dropProbability,
               double duplicateProbability, int delayMillisMax) {
        this.random = random;
        this.dropProbability = dropProbability;
        this.duplicateProbability = duplicateProbability;
        this.delayMillisMax = delayMillisMax;
        this.group = new int[nodesCount];
    }

    void send(long nowMillis, int from, int to, int frameType, byte[] body) {
        if (faulty && random.nextDouble() < dropProbability) return;
        int copies = faulty && random.nextDouble() < duplicateProbability ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = 1 + random.nextInt(delayMillisMax);
            inFlight.add(new Frame(nowMillis + delay, orderNext++, from, to, frameType, body));
        }
    }

    /** Frames due by {@code nowMillis} whose ends are connected now; the others are lost. */
    List<Frame> due(long nowMillis) {
        List<Frame> due = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peek().deliverAtMillis <= nowMillis) {
            Frame frame = inFlight.poll();
            if (group[frame.from] == group[frame.to]) due.add(frame);
        }
        return due;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Splits the nodes into two random sides (one side may be a single node). */
    void partitionRandomly() {
        for (int i = 0; i < group.length; i++) group[i] = random.nextInt(2);
    }

    void heal() {
        java.util.Arrays.fill(group, 0);
    }
}
