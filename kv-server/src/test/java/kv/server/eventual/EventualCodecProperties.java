package kv.server.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.Limits;
import kv.server.eventual.EventualMessage.DigestReply;
import kv.server.eventual.EventualMessage.DigestRequest;
import kv.server.eventual.EventualMessage.Fetch;
import kv.server.eventual.EventualMessage.KeyRef;
import kv.server.eventual.EventualMessage.KeyVersion;
import kv.server.eventual.EventualMessage.Push;
import kv.server.eventual.EventualMessage.PushAck;
import kv.server.eventual.EventualMessage.RangeReply;
import kv.server.eventual.EventualMessage.RangeRequest;
import kv.server.eventual.EventualMessage.ReadReply;
import kv.server.eventual.EventualMessage.ReadRequest;
import kv.server.eventual.EventualMessage.Repair;
import kv.server.eventual.EventualMessage.Update;
import kv.server.statemachine.KeyRecords;
import kv.server.statemachine.MemoryState;
import kv.server.statemachine.StateOverlay;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Every eventual message survives a round trip; a truncated body or one with trailing bytes is
 * rejected; a corrupted body is rejected or decodes to a well-formed message, never throws.
 */
class EventualCodecProperties {
    /** Real value blobs: a string, a hash and a sorted set, made by the command code. */
    static List<Update> sampleUpdates() {
        MemoryState state = new MemoryState();
        StateOverlay overlay = new StateOverlay(state);
        Version version = new Version(Hlc.ofMillis(1_700_000_000_000L), 2);
        long stamp = version.stamp();
        KeyRecords.execute(TestNode.command(1, "SET", "s", "value"), overlay, overlay, stamp);
        KeyRecords.execute(TestNode.command(1, "HSET", "h", "f", "1", "g", "2"), overlay, overlay,
                stamp);
        KeyRecords.execute(TestNode.command(1, "ZADD", "z", "1.5", "m", "-2", "n"), overlay,
                overlay, stamp);
        List<Update> updates = new ArrayList<>();
        for (String key : List.of("s", "h", "z")) {
            byte[] blob = KeyRecords.encode(overlay, 1, TestCluster.bytes(key));
            updates.add(new Update(1, TestCluster.bytes(key), new Versioned(version, blob)));
        }
        updates.add(new Update(3, new byte[0], Versioned.tombstone(new Version(9, 6))));
        return updates;
    }

    @Provide
    Arbitrary<EventualMessage> messages() {
        List<Update> updates = sampleUpdates();
        List<KeyRef> keys = List.of(new KeyRef(1, TestCluster.bytes("a")),
                new KeyRef(63, new byte[0]));
        long[] digests = new long[Limits.EVENTUAL_DIGEST_BUCKETS_COUNT];
        digests[7] = -3;
        List<KeyVersion> items = List.of(new KeyVersion(1, TestCluster.bytes("a"),
                new Version(5, 1), false), new KeyVersion(2, TestCluster.bytes("b"),
                new Version(6, 0), true));
        return Arbitraries.of(
                new Push(1, 9, updates), new PushAck(3, 4), new Repair(updates),
                new Repair(List.of()), new ReadRequest(77, keys), new ReadReply(77, true, updates),
                new DigestRequest(5), new DigestReply(5, digests),
                new RangeRequest(5, 4095, TestCluster.bytes("\u0001k")),
                new RangeReply(5, 12, new byte[0], false, items), new Fetch(keys));
    }

    @Property(tries = 200)
    void roundTrip(@ForAll("messages") EventualMessage message) {
        byte[] body = EventualCodec.encode(message, 1234);
        EventualCodec.Decoded decoded = EventualCodec.decode(message.type().frameType, body);
        assertThat(decoded.problem()).isNull();
        assertThat(decoded.senderTimestamp()).isEqualTo(1234);
        // Records holding arrays compare by identity: compare the re-encoding instead.
        assertThat(EventualCodec.encode(decoded.message(), 1234)).isEqualTo(body);
    }

    @Property(tries = 300)
    void truncatedOrExtendedIsRejected(@ForAll("messages") EventualMessage message,
                                       @ForAll @IntRange(min = 1, max = 64) int cut) {
        byte[] body = EventualCodec.encode(message, 1);
        byte[] truncated = Arrays.copyOf(body, Math.max(0, body.length - cut));
        assertThat(EventualCodec.decode(message.type().frameType, truncated).problem()).isNotNull();
        byte[] extended = Arrays.copyOf(body, body.length + cut);
        assertThat(EventualCodec.decode(message.type().frameType, extended).problem()).isNotNull();
    }

    @Property(tries = 1000)
    void corruptedIsRejectedOrWellFormed(@ForAll("messages") EventualMessage message,
                                         @ForAll @IntRange(min = 0, max = 100_000) int position,
                                         @ForAll byte flip) {
        byte[] body = EventualCodec.encode(message, 1);
        body[position % body.length] ^= (byte) (flip == 0 ? 1 : flip);
        EventualCodec.Decoded decoded = EventualCodec.decode(message.type().frameType, body);
        if (decoded.problem() != null) return;
        // Whatever decodes must be fit to apply: values well formed and stamped consistently.
        for (Update update : updatesOf(decoded.message())) {
            if (update.value().blob() == null) continue;
            assertThat(KeyRecords.problem(update.value().blob())).isNull();
            assertThat(KeyRecords.versionOf(update.value().blob()))
                    .isEqualTo(update.value().version().stamp());
        }
    }

    private static List<Update> updatesOf(EventualMessage message) {
        if (message instanceof Push push) return push.updates();
        if (message instanceof Repair repair) return repair.updates();
        if (message instanceof ReadReply reply) return reply.updates();
        return List.of();
    }
}
