package kv.server.eventual;

import java.nio.charset.StandardCharsets;
import kv.server.command.Reply;

/**
 * One sequential client of one key that nobody else writes: SET at QUORUM, and once that is
 * acknowledged, GET at QUORUM on a random node. With R + W > N the read must return the
 * acknowledged write or one with a greater version (a write of this client that failed with
 * UNAVAILABLE may still have landed and won).
 */
final class SimRegister {
    private enum Phase { IDLE, WRITING, READING }

    private static final long WAIT_MILLIS_MAX = 3_000;

    private final String key;
    private Phase phase = Phase.IDLE;
    private long requestId;
    private long deadlineMillis;
    private int writesCount;
    private String writtenValue;
    /** The greatest version of an acknowledged write of this key. */
    private Version acknowledgedMax = Version.ZERO;
    private Version readMin;

    SimRegister(String key) {
        this.key = key;
    }

    void step(EventualSimulator sim, boolean faultPhase) {
        if (phase != Phase.IDLE && sim.nowMillis() > deadlineMillis) phase = Phase.IDLE; // lost
        if (phase != Phase.IDLE || !faultPhase || sim.nowMillis() % 37 != 0) return;
        int node = sim.randomUpNode();
        if (node < 0) return;
        writtenValue = key + "-" + writesCount++;
        requestId = sim.write(node, Level.QUORUM, writtenValue, "SET", key, writtenValue);
        phase = Phase.WRITING;
        deadlineMillis = sim.nowMillis() + WAIT_MILLIS_MAX;
    }

    void onReply(EventualSimulator sim, long repliedId, Reply reply) {
        if (phase == Phase.IDLE || repliedId != requestId) return;
        if (phase == Phase.WRITING) {
            SimHistory.Write write = sim.history().bySetValue.get(writtenValue);
            if (reply.isError() || write == null) {
                phase = Phase.IDLE;
                return;
            }
            if (write.version.isNewerThan(acknowledgedMax)) acknowledgedMax = write.version;
            int node = sim.randomUpNode();
            if (node < 0) {
                phase = Phase.IDLE;
                return;
            }
            readMin = acknowledgedMax;
            requestId = sim.read(node, Level.QUORUM, "GET", key);
            phase = Phase.READING;
            deadlineMillis = sim.nowMillis() + WAIT_MILLIS_MAX;
            return;
        }
        phase = Phase.IDLE;
        if (reply.isError()) return;
        byte[] value = ((Reply.Bulk) reply).value();
        if (value == null) {
            sim.fail("QUORUM read of " + key + " found nothing after a QUORUM write at "
                    + readMin + " was acknowledged");
            return;
        }
        SimHistory.Write read = sim.history().bySetValue.get(new String(value,
                StandardCharsets.UTF_8));
        if (read == null || read.version.compareTo(readMin) < 0) {
            sim.fail("QUORUM read of " + key + " returned " + (read == null ? "an unknown value"
                    : read.toString()) + ", older than the acknowledged write at " + readMin);
        }
    }
}
