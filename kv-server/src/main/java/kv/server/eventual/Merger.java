package kv.server.eventual;

import kv.server.eventual.EventualMessage.Update;

/** Applies values received from peers: last writer wins, on every path that receives values. */
final class Merger {
    private final EventualConfig config;
    private final EventualStore store;
    private final Hlc hlc;
    private final EventualStats stats;

    Merger(EventualConfig config, EventualStore store, Hlc hlc, EventualStats stats) {
        this.config = config;
        this.store = store;
        this.hlc = hlc;
        this.stats = stats;
    }

    /**
     * True if keyspace {@code index} is eventual here: values for any other keyspace (a peer
     * configured otherwise) are neither merged nor sent to peers.
     */
    boolean accepts(int keyspace) {
        return config.isEventualKeyspace(keyspace);
    }

    /**
     * The value a peer asks for (quorum read, anti-entropy fetch): unknown (a tombstone at
     * {@link Version#ZERO}) in a keyspace not eventual here, whose strong records must not
     * travel as eventual values.
     */
    Versioned valueForPeer(int keyspace, byte[] key) {
        if (accepts(keyspace)) return store.read(keyspace, key);
        stats.messagesRejected++;
        return Versioned.tombstone(Version.ZERO);
    }

    /** Merges one incoming value; true if it replaced the local one. */
    boolean merge(Update update) {
        if (!accepts(update.keyspace())) {
            // A peer configured otherwise (the keyspace is strong here): its value must not land
            // among this node's strong records, which only the consensus log writes.
            stats.messagesRejected++;
            return false;
        }
        Versioned incoming = update.value();
        // A later local write must get a greater version than any value seen here.
        hlc.observe(incoming.version().timestamp());
        EventualStore.Entry local = store.entry(update.keyspace(), update.key());
        Version localVersion = local == null ? Version.ZERO : local.version();
        if (!wins(localVersion, incoming.version())) return false;
        if (local != null) stats.conflictsResolved++;
        store.put(update.keyspace(), update.key(), incoming, local);
        return true;
    }

    private boolean wins(Version local, Version incoming) {
        if (config.brokenVariant() == EventualBrokenVariant.MERGE_KEEPS_OLDER) {
            return local.equals(Version.ZERO) ? !incoming.equals(Version.ZERO)
                    : local.isNewerThan(incoming);
        }
        return LwwMerge.incomingWins(local, incoming);
    }
}
