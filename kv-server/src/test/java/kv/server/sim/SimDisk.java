package kv.server.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import kv.server.consensus.DurableState;
import kv.server.consensus.Entry;
import kv.server.consensus.Ready;
import kv.server.consensus.Snapshot;
import kv.server.consensus.Value;
import kv.server.consensus.ValueKind;

/**
 * A disk of checksummed records: {@code length | crc32c | payload}. Writes stay volatile until
 * {@link #sync()}; {@link #crash()} loses what was not synced. A read can return a corrupt
 * record (a flipped byte), which the checksum must catch before anything is decoded. The
 * snapshot is written atomically (as a rename would be).
 */
final class SimDisk {
    private final ArrayList<byte[]> records = new ArrayList<>();
    private int syncedCount;
    private Snapshot snapshot;

    /** What a restart reads back; {@code corrupt} when a checksum failed. */
    record Loaded(DurableState state, Snapshot snapshot, boolean corrupt) {}

    void write(Ready ready) {
        records.add(seal(encode(ready.durableStateChanged(), ready.promisedBallot(),
                ready.chosenBelow(), ready.snapshotBelow(), ready.entriesToPersist())));
    }

    void sync() {
        syncedCount = records.size();
    }

    void crash() {
        while (records.size() > syncedCount) records.remove(records.size() - 1);
    }

    int unsyncedCount() {
        return records.size() - syncedCount;
    }

    void saveSnapshot(Snapshot saved) {
        snapshot = saved;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** Reads every record, verifying checksums first; may inject one corrupt read. */
    Loaded load(int membersMask, SplittableRandom random, double corruptReadProbability) {
        int corruptIndex = -1;
        if (!records.isEmpty() && random.nextDouble() < corruptReadProbability) {
            corruptIndex = random.nextInt(records.size());
        }
        long promised = 0;
        long chosenBelow = 0;
        long snapshotBelow = 0;
        TreeMap<Long, Entry> entries = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            byte[] record = records.get(i);
            if (i == corruptIndex) {
                record = record.clone();
                int at = 8 + random.nextInt(record.length - 8);
                record[at] ^= (byte) (1 + random.nextInt(255));
            }
            ByteBuffer payload = unseal(record);
            if (payload == null) return new Loaded(null, null, true);
            boolean scalars = payload.get() == 1;
            long p = payload.getLong();
            long c = payload.getLong();
            long s = payload.getLong();
            if (scalars) {
                promised = p;
                chosenBelow = c;
                snapshotBelow = s;
            }
            int count = payload.getInt();
            for (int e = 0; e < count; e++) {
                Entry entry = decodeEntry(payload);
                entries.put(entry.slot(), entry);
            }
        }
        int members = membersMask;
        long applied = 0;
        if (snapshot != null) {
            snapshotBelow = Math.max(snapshotBelow, snapshot.slotBelow());
            applied = snapshot.slotBelow();
            members = snapshot.membersMask();
        }
        chosenBelow = Math.max(chosenBelow, snapshotBelow);
        List<Entry> held = new ArrayList<>(entries.tailMap(snapshotBelow).values());
        return new Loaded(new DurableState(promised, chosenBelow, snapshotBelow, applied, members,
                held), snapshot, false);
    }

    /** Compaction after a snapshot: one record with the state, as an LSM compaction would. */
    void rewrite(int membersMask) {
        Loaded loaded = load(membersMask, new SplittableRandom(0), 0);
        DurableState current = loaded.state();
        records.clear();
        records.add(seal(encode(true, current.promisedBallot(), current.chosenBelow(),
                current.snapshotBelow(), current.entries())));
        syncedCount = records.size();
    }

    private static byte[] encode(boolean scalars, long promised, long chosenBelow,
                                 long snapshotBelow, List<Entry> entries) {
        int size = 1 + 24 + 4;
        for (Entry entry : entries) {
            size += 8 + 8 + 1 + 4 + 4;
            for (byte[] command : entry.value().commands()) size += 4 + command.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) (scalars ? 1 : 0)).putLong(promised).putLong(chosenBelow)
                .putLong(snapshotBelow).putInt(entries.size());
        for (Entry entry : entries) {
            Value value = entry.value();
            out.putLong(entry.slot()).putLong(entry.ballot()).put((byte) value.kind().ordinal())
                    .putInt(value.mask()).putInt(value.commands().length);
            for (byte[] command : value.commands()) out.putInt(command.length).put(command);
        }
        return out.array();
    }

    private static Entry decodeEntry(ByteBuffer in) {
        long slot = in.getLong();
        long ballot = in.getLong();
        ValueKind kind = ValueKind.values()[in.get()];
        int mask = in.getInt();
        byte[][] commands = new byte[in.getInt()][];
        for (int i = 0; i < commands.length; i++) {
            commands[i] = new byte[in.getInt()];
            in.get(commands[i]);
        }
        Value value = switch (kind) {
            case NOOP -> Value.NOOP;
            case CONFIG -> Value.config(mask);
            case LEASE_HOLDERS -> Value.leaseHolders(mask);
            case COMMANDS -> Value.commands(commands);
        };
        return new Entry(slot, ballot, value);
    }

    static byte[] seal(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(8 + payload.length).putInt(payload.length)
                .putInt((int) crc.getValue()).put(payload).array();
    }

    /** The payload, or null when the checksum (or the length) does not match. */
    static ByteBuffer unseal(byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        int length = in.getInt();
        int expected = in.getInt();
        if (length != record.length - 8) return null;
        CRC32C crc = new CRC32C();
        crc.update(record, 8, length);
        if ((int) crc.getValue() != expected) return null;
        return ByteBuffer.wrap(record, 8, length).slice();
    }
}
