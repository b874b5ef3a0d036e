package kv.server.node;

import kv.server.eventual.EventualStats;

/**
 * What the eventual driver last published (once per tick), for INFO eventual and the metrics:
 * its counters and lags, and each keyspace's digest (index by keyspace; see
 * {@link kv.server.eventual.EventualReplica#keyspaceDigest}). Read-only once published.
 *
 * @param nodeIdByIndex node ids by replica index, to name the peers of {@code stats}' lag arrays
 * @param selfIndex     this node's replica index
 */
public record EventualStatus(EventualStats stats, long[] keyspaceDigests, int[] nodeIdByIndex,
                             int selfIndex) {}
