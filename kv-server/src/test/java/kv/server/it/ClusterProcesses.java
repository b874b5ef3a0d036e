package kv.server.it;

import java.util.ArrayList;
import java.util.List;
import kv.server.TestPorts;

/**
 * A real Synod cluster: N {@link ServerProcess} replicas on loopback, each with its own address
 * for peer traffic (127.0.0.11, .12, ...) and its own client port on 127.0.0.1.
 */
final class ClusterProcesses implements AutoCloseable {
    final List<ServerProcess> nodes = new ArrayList<>();

    ClusterProcesses(int count, boolean fsync, int requestTimeoutMillis) {
        this(count, fsync, requestTimeoutMillis, 10_000);
    }

    ClusterProcesses(int count, boolean fsync, int requestTimeoutMillis, int snapshotIntervalSlots) {
        this(count, fsync, requestTimeoutMillis, snapshotIntervalSlots, "");
    }

    /** {@code clusterLines}: more keys of the cluster section, each line indented by two. */
    ClusterProcesses(int count, boolean fsync, int requestTimeoutMillis, int snapshotIntervalSlots,
                     String clusterLines) {
        int[] clientPorts = new int[count];
        StringBuilder yaml = new StringBuilder("cluster:\n  tick-millis: 20\n  request-timeout-millis: ")
                .append(requestTimeoutMillis).append("\n  snapshot-interval-slots: ")
                .append(snapshotIntervalSlots).append('\n').append(clusterLines).append("  members:\n");
        for (int i = 0; i < count; i++) {
            clientPorts[i] = TestPorts.free();
            int peerPort = TestPorts.free();
            yaml.append("    - {id: ").append(i + 1).append(", host: 127.0.0.").append(11 + i)
                    .append(", client-port: ").append(clientPorts[i]).append(", peer-port: ")
                    .append(peerPort).append("}\n");
        }
        try {
            for (int i = 0; i < count; i++) {
                nodes.add(ServerProcess.start(ServerProcess.Options.defaults().fsync(fsync)
                        .name("node" + (i + 1)).member(i + 1, yaml.toString(), clientPorts[i])));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    ServerProcess node(int id) {
        return nodes.get(id - 1);
    }

    @Override
    public void close() {
        for (ServerProcess node : nodes) node.close();
    }
}
