package kv.bench.jmh;

import java.util.List;
import java.util.TreeMap;
import kv.server.command.Keyspaces;
import kv.server.log.MemoryLog;
import kv.server.resp.ClientRegistry;
import kv.server.resp.InfoSource;
import kv.server.resp.RespContext;
import kv.server.resp.RespMetrics;

/**
 * The real RESP pipeline and state machine over {@link MemoryLog}, which commits at once: what is left is decode, dispatch, apply and encode, without I/O.
 */
final class InMemoryNode {
    final MemoryLog log = new MemoryLog();

    RespContext context() {
        InfoSource info = new InfoSource() {
            @Override
            public String section(String name) {
                return "";
            }

            @Override
            public List<String> defaultSections() {
                return List.of();
            }
        };
        return new RespContext(new Keyspaces(List.of(
                new Keyspaces.Keyspace("default", 0, Keyspaces.Mode.STRONG))), log, log,
                RespMetrics.NONE, info, new TreeMap<>(), 1000, new ClientRegistry());
    }
}
