package kv.server.sim;

import java.nio.ByteBuffer;
import kv.server.consensus.Snapshot;
import kv.server.consensus.Snapshotter;
import kv.server.session.SessionTable;

/**
 * The replicated state machine of the simulation: a running digest of every command applied
 * (so replicas can be compared slot by slot) and the session table for exactly-once. The result
 * of a command is where it was first applied: (slot, index in the batch).
 */
final class SimStateMachine implements Snapshotter {
    final SessionTable sessions;
    long digest;
    long appliedBelow;
    /** Version of the state as one register: the end of the last slot that changed it. */
    long writeSlotBelow;

    SimStateMachine(long sessionExpirySlots) {
        sessions = new SessionTable(sessionExpirySlots, 10_000);
    }

    static byte[] result(long slot, int index) {
        return ByteBuffer.allocate(12).putLong(slot).putInt(index).array();
    }

    static long resultSlot(byte[] result) {
        return ByteBuffer.wrap(result).getLong(0);
    }

    static int resultIndex(byte[] result) {
        return ByteBuffer.wrap(result).getInt(8);
    }

    void applyNew(long clientId, long sequence, long slot, int index) {
        digest = mix(mix(mix(digest, clientId), sequence), slot * 1_000_003L + index);
        writeSlotBelow = slot + 1;
    }

    static long mix(long hash, long value) {
        long h = (hash ^ value) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    @Override
    public Snapshot take(long slotBelow, int membersMask) {
        if (slotBelow != appliedBelow) {
            throw new IllegalStateException("snapshot at " + slotBelow + ", applied "
                    + appliedBelow);
        }
        byte[] table = sessions.encode();
        byte[] data = ByteBuffer.allocate(24 + table.length).putLong(digest).putLong(appliedBelow)
                .putLong(writeSlotBelow)
                .put(table).array();
        return new Snapshot(appliedBelow, membersMask, data);
    }

    @Override
    public void install(Snapshot snapshot) {
        ByteBuffer in = ByteBuffer.wrap(snapshot.data());
        digest = in.getLong();
        appliedBelow = in.getLong();
        writeSlotBelow = in.getLong();
        sessions.decode(in);
        if (appliedBelow != snapshot.slotBelow()) {
            throw new IllegalStateException("snapshot data at " + appliedBelow + " labelled "
                    + snapshot.slotBelow());
        }
    }
}
