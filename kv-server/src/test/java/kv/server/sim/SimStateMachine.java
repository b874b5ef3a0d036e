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
    /** Version of each register: the end of the last slot that wrote it (0: never written). */
    final long[] writeSlotBelow = new long[SimCommand.KEYS_COUNT];
    /** The registers clients SET and GET ({@link SimCommand}); 0 until first written. */
    final long[] registers = new long[SimCommand.KEYS_COUNT];

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

    /** A SET applied for the first time (a retry is answered from the session table). */
    void applyNew(long clientId, long sequence, long slot, int index, int key, long value) {
        digest = mix(mix(mix(digest, clientId), sequence), slot * 1_000_003L + index);
        digest = mix(digest, key * 31L + value);
        registers[key] = value;
        writeSlotBelow[key] = slot + 1;
    }

    /** What a GET answers: the register's value, 8 bytes. */
    static byte[] valueResult(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long resultValue(byte[] result) {
        return ByteBuffer.wrap(result).getLong(0);
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
        ByteBuffer data = ByteBuffer.allocate(16 + 16 * registers.length + table.length)
                .putLong(digest).putLong(appliedBelow);
        for (long version : writeSlotBelow) data.putLong(version);
        for (long value : registers) data.putLong(value);
        data.put(table);
        return new Snapshot(appliedBelow, membersMask, data.array());
    }

    @Override
    public void install(Snapshot snapshot) {
        ByteBuffer in = ByteBuffer.wrap(snapshot.data());
        digest = in.getLong();
        appliedBelow = in.getLong();
        for (int key = 0; key < writeSlotBelow.length; key++) writeSlotBelow[key] = in.getLong();
        for (int key = 0; key < registers.length; key++) registers[key] = in.getLong();
        sessions.decode(in);
        if (appliedBelow != snapshot.slotBelow()) {
            throw new IllegalStateException("snapshot data at " + appliedBelow + " labelled "
                    + snapshot.slotBelow());
        }
    }
}
