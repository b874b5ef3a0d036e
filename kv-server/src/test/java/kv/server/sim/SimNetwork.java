package kv.server.sim;

import java.util.SplittableRandom;

/**
 * Links between nodes: random delay (so reordering), drops, duplicates, and directed blocked
 * links for partitions (asymmetric when only one direction is blocked).
 */
final class SimNetwork {
    private final SimOptions options;
    private final SplittableRandom random;
    private final boolean[][] blocked;
    private boolean reliable;

    SimNetwork(SimOptions options, SplittableRandom random) {
        this.options = options;
        this.random = random;
        this.blocked = new boolean[options.replicaCount()][options.replicaCount()];
    }

    boolean blocked(int from, int to) {
        return blocked[from][to];
    }

    /** Delays of the copies to deliver: empty when dropped, two when duplicated. */
    int copies() {
        if (!reliable && random.nextDouble() < options.dropProbability()) return 0;
        if (!reliable && random.nextDouble() < options.duplicateProbability()) return 2;
        return 1;
    }

    long delayMicros() {
        return options.networkDelayMicrosMin()
                + random.nextInt(options.networkDelayMicrosMax()
                        - options.networkDelayMicrosMin() + 1);
    }

    /**
     * Isolates a node (the current leader, as Jepsen's "isolate the primary" nemesis): both
     * directions, or, with asymmetric partitions, only its outbound or only its inbound links.
     */
    void isolate(int node) {
        int n = options.replicaCount();
        clear();
        int mode = options.asymmetricPartitions() ? random.nextInt(3) : 0;
        for (int other = 0; other < n; other++) {
            if (other == node) continue;
            if (mode != 2) blocked[node][other] = true;
            if (mode != 1) blocked[other][node] = true;
        }
    }

    /** Cuts the link from one node to another, one direction; every other link works. */
    void cutOneWay(int from, int to) {
        clear();
        blocked[from][to] = true;
    }

    void partitionRandomly() {
        int n = options.replicaCount();
        clear();
        if (options.asymmetricPartitions() && random.nextBoolean()) {
            int links = 1 + random.nextInt(n);
            for (int i = 0; i < links; i++) {
                int from = random.nextInt(n);
                int to = random.nextInt(n);
                if (from != to) blocked[from][to] = true;
            }
            return;
        }
        int sideMask = random.nextInt(1, (1 << n) - 1);
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                boolean sideA = (sideMask & (1 << a)) != 0;
                boolean sideB = (sideMask & (1 << b)) != 0;
                blocked[a][b] = sideA != sideB;
            }
        }
    }

    void clear() {
        for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
    }

    /** Phase two: a healed majority talks freely; everyone else is cut off from it. */
    void healMajority(int majorityMask) {
        int n = options.replicaCount();
        reliable = true;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                boolean inA = (majorityMask & (1 << a)) != 0;
                boolean inB = (majorityMask & (1 << b)) != 0;
                blocked[a][b] = !(inA && inB) && a != b;
            }
        }
    }
}
