package kv.server.resp;

import java.util.ArrayList;
import java.util.List;
import kv.server.command.Command;
import kv.server.command.Transaction;

/**
 * Per-connection state. Mutated only on the connection's event loop; fields read by other
 * connections (CLIENT LIST) are volatile.
 */
final class ClientSession {
    final long id;
    final String address;
    final long createdAtMillis;
    volatile String name = "";
    volatile String libraryName = "";
    volatile String libraryVersion = "";
    volatile int keyspaceIndex;
    volatile String lastCommand = "NULL";
    /** CONSISTENCY chosen for eventual keyspaces; null: each keyspace's configured default. */
    kv.server.eventual.Level level;

    /** MULTI state: queued commands, and whether queuing failed (EXEC then aborts). */
    boolean inMulti;
    boolean multiFailed;
    final List<Command> queued = new ArrayList<>();
    final List<Transaction.Watch> watches = new ArrayList<>();
    /** The keyspace the WATCHes were taken in; EXEC checks them there. */
    int watchKeyspaceIndex = -1;

    ClientSession(long id, String address, long createdAtMillis) {
        this.id = id;
        this.address = address;
        this.createdAtMillis = createdAtMillis;
    }

    void resetTransaction() {
        inMulti = false;
        multiFailed = false;
        queued.clear();
        watches.clear();
        watchKeyspaceIndex = -1;
    }

    String describe(long nowMillis) {
        return "id=" + id + " addr=" + address + " name=" + name
                + " age=" + (nowMillis - createdAtMillis) / 1000 + " db=" + keyspaceIndex
                + " multi=" + (inMulti ? queued.size() : -1) + " watch=" + watches.size()
                + " cmd=" + lastCommand + " lib-name=" + libraryName + " lib-ver=" + libraryVersion
                + " resp=2";
    }
}
