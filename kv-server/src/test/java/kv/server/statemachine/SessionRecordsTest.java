package kv.server.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import kv.server.command.Reply;
import kv.server.command.ReplyCodec;
import kv.server.session.SessionCheck;
import kv.server.session.SessionTable;
import org.junit.jupiter.api.Test;

/**
 * The replicated session records (lazy expiry index) against the in-memory model
 * {@link SessionTable} (exact least-recently-used order), at limits small enough that eviction,
 * expiry and stale index entries happen all the time: the same answer to every check, the same
 * first result for every duplicate. With the re-index bound at 1 an eviction may pick another
 * session than the model, but a command applied once is never applied again (except sequence 1,
 * which starts a session again once the old one expired, in the model too).
 */
class SessionRecordsTest {
    private static final long EXPIRY_SLOTS = 15;
    private static final int COUNT_MAX = 4;
    private static final int CLIENTS = 8;
    private static final int SEEDS = 300;
    private static final int SLOTS = 300;

    @Test
    void answersAsTheModelDoes() {
        for (int seed = 1; seed <= SEEDS; seed++) run(seed, COUNT_MAX, CLIENTS, 1_000, true);
    }

    /** Indexes longer than a page of the walk: stale entries past the first page. */
    @Test
    void answersAsTheModelDoesWithManySessions() {
        for (int seed = 1; seed <= SEEDS / 3; seed++) run(seed, 40, 60, 1_000, true);
    }

    @Test
    void aBoundedReindexNeverAppliesTwice() {
        for (int seed = 1; seed <= SEEDS; seed++) run(seed, COUNT_MAX, CLIENTS, 1, false);
    }

    private static void run(int seed, int countMax, int clients, int reindexPerStepMax,
                            boolean compareWithModel) {
        SplittableRandom random = new SplittableRandom(seed);
        MemoryState disk = new MemoryState();
        SessionTable model = new SessionTable(EXPIRY_SLOTS, countMax);
        Map<Long, Long> lastSequence = new HashMap<>();
        Set<String> applied = new HashSet<>();
        long slot = 0;
        for (int step = 0; step < SLOTS; step++) {
            slot += random.nextInt(4);
            StateOverlay overlay = new StateOverlay(disk);
            SessionRecords records = new SessionRecords(overlay, EXPIRY_SLOTS, countMax,
                    1_000, reindexPerStepMax);
            records.expire(slot);
            model.expire(slot);
            for (int command = random.nextInt(4 * clients / CLIENTS); command > 0; command--) {
                long clientId = 1 + random.nextInt(clients);
                long last = lastSequence.getOrDefault(clientId, 0L);
                long sequence = Math.max(1, switch (random.nextInt(5)) {
                    case 0 -> 1;
                    case 1 -> last - 1;
                    case 2 -> last;
                    default -> last + 1;
                });
                String where = "seed " + seed + " slot " + slot + " client " + clientId
                        + " sequence " + sequence;
                SessionCheck check = records.check(clientId, sequence);
                SessionCheck expected = model.check(clientId, sequence);
                if (compareWithModel) assertThat(check).as(where).isEqualTo(expected);
                if (check == SessionCheck.NEW) {
                    // Sequence 1 starts a session: after its expiry it is new again, by design,
                    // and the driver then reuses the client id for a new session.
                    if (sequence == 1) applied.removeIf(done -> done.startsWith(clientId + "/"));
                    assertThat(applied.add(clientId + "/" + sequence))
                            .as("applied twice: " + where).isTrue();
                    Reply result = Reply.integer(random.nextInt(1000));
                    records.record(clientId, sequence, result, slot);
                    if (expected == SessionCheck.NEW) {
                        model.record(clientId, sequence, ReplyCodec.encode(result), slot);
                    }
                    lastSequence.put(clientId, sequence);
                } else if (check == SessionCheck.DUPLICATE && compareWithModel) {
                    assertThat(ReplyCodec.encode(records.firstResult(clientId))).as(where)
                            .isEqualTo(model.lastResult(clientId));
                }
            }
            disk.write(overlay.sortedWrites());
            checkIndex(disk, countMax, "seed " + seed + " slot " + slot);
        }
    }

    /** Every session has one index entry, at or before its last use; the count is right. */
    private static void checkIndex(MemoryState disk, int countMax, String where) {
        Map<Long, Long> indexedAt = new HashMap<>();
        try (StateCursor cursor = disk.scan(new byte[] {(byte) 0xF1}, new byte[] {(byte) 0xF2})) {
            for (; cursor.valid(); cursor.next()) {
                long clientId = Bytes.getLong(cursor.key(), 9);
                assertThat(indexedAt.put(clientId, Bytes.getLong(cursor.key(), 1)))
                        .as("second index entry: " + where).isNull();
            }
        }
        int sessions = 0;
        try (StateCursor cursor = disk.scan(new byte[] {(byte) 0xF0}, new byte[] {(byte) 0xF1})) {
            for (; cursor.valid(); cursor.next()) {
                sessions++;
                long clientId = Bytes.getLong(cursor.key(), 1);
                assertThat(indexedAt.get(clientId)).as("index entry of a session: " + where)
                        .isNotNull().isLessThanOrEqualTo(Bytes.getLong(cursor.value(), 8));
            }
        }
        assertThat(indexedAt).as("index entries without a session: " + where).hasSize(sessions);
        byte[] count = disk.get(new byte[] {(byte) 0xF2, 'c', 'o', 'u', 'n', 't'});
        assertThat(count == null ? 0 : Bytes.getLong(count, 0)).as("count: " + where)
                .isEqualTo(sessions);
        assertThat(sessions).as("sessions: " + where).isLessThanOrEqualTo(countMax);
    }
}
