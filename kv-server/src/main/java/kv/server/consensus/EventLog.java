package kv.server.consensus;

/**
 * Where the core logs (etcd-io/raft {@code Config.Logger}). Lines are sentences with key=value
 * fields; the replica prefixes node, role and ballot. INFO: state transitions; WARN: degraded.
 */
public interface EventLog {
    void info(String line);

    void warn(String line);

    EventLog NONE = new EventLog() {
        @Override
        public void info(String line) {}

        @Override
        public void warn(String line) {}
    };
}
