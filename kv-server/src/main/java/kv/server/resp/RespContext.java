package kv.server.resp;

import java.util.SortedMap;
import kv.server.command.Keyspaces;
import kv.server.log.ReadPath;
import kv.server.log.ReplicatedLog;

/** What every connection of a node shares. */
public record RespContext(
        Keyspaces keyspaces,
        ReplicatedLog log,
        ReadPath reads,
        RespMetrics metrics,
        InfoSource info,
        /** Answers to CONFIG GET, by lower-case parameter name. */
        SortedMap<String, String> configValues,
        int connectionsMax,
        ClientRegistry clients,
        /** Eventual keyspaces' path; null when no keyspace is eventual. */
        kv.server.log.EventualPath eventual) {

    public RespContext(Keyspaces keyspaces, ReplicatedLog log, ReadPath reads, RespMetrics metrics,
                       InfoSource info, SortedMap<String, String> configValues, int connectionsMax,
                       ClientRegistry clients) {
        this(keyspaces, log, reads, metrics, info, configValues, connectionsMax, clients, null);
    }
}
