package kv.server.resp;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Live client connections by id: CLIENT LIST, INFO clients and the connection limit. */
public final class ClientRegistry {
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentSkipListMap<Long, ClientSession> clients = new ConcurrentSkipListMap<>();

    long nextId() {
        return nextId.getAndIncrement();
    }

    void add(ClientSession session) {
        clients.put(session.id, session);
    }

    void remove(ClientSession session) {
        clients.remove(session.id);
    }

    public int count() {
        return clients.size();
    }

    Iterable<ClientSession> all() {
        return clients.values();
    }
}
