package kv.server.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.Limits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Peer messages survive the wire exactly, and a truncated or damaged body decodes to null (or
 * to a well-formed message) — never an exception and never a half-built message.
 */
class MessageCodecTest {

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, 4);
        Arbitrary<Integer> nodeMask =
                Arbitraries.integers().between(0, (1 << Limits.REPLICAS_COUNT_MAX) - 1);
        Arbitrary<Long> number = Arbitraries.longs().between(0, 1L << 40);
        Arbitrary<byte[][]> commands = Arbitraries.bytes().array(byte[].class).ofMaxSize(20)
                .array(byte[][].class).ofMaxSize(5);
        Arbitrary<Entry> entry = Combinators.combine(number, number, commands,
                Arbitraries.of(ValueKind.values()), Arbitraries.integers().between(0, 127))
                .as((slot, ballot, batch, kind, mask) -> new Entry(slot, ballot,
                        new Value(kind, kind == ValueKind.COMMANDS ? batch : new byte[0][],
                                kind == ValueKind.CONFIG || kind == ValueKind.LEASE_HOLDERS ? mask : 0)));
        Arbitrary<List<Entry>> entries = entry.list().ofMaxSize(4);
        return Arbitraries.oneOf(
                Combinators.combine(node, node, number, number).as(Message.Prepare::new),
                Combinators.combine(node, node, number, number, number, entries).as(Message.Promise::new),
                Combinators.combine(node, node, number, entries, number).as(Message.Accept::new),
                Combinators.combine(node, node, number, number, number, number, nodeMask,
                        Arbitraries.longs())
                        .as((from, to, ballot, first, end, chosen, mask, seed) ->
                                new Message.Accepted(from, to, ballot, first, end, chosen, mask,
                                        new java.util.Random(seed).longs(Integer.bitCount(mask))
                                                .toArray())),
                Combinators.combine(node, node, number, number, number, Arbitraries.longs())
                        .as(Message.Held::new),
                Combinators.combine(node, node, number).as(Message.ReadIndexRequest::new),
                Combinators.combine(node, node, number, number, number)
                        .as(Message.ReadIndexReply::new),
                Combinators.combine(node, node, number, number).as(Message.ReadRound::new),
                Combinators.combine(node, node, number, number).as(Message.ReadRoundReply::new),
                Combinators.combine(node, node, number, number, Arbitraries.integers().between(-1, 4))
                        .as(Message.Refuse::new),
                Combinators.combine(node, node, number, number).as(Message.Heartbeat::new),
                Combinators.combine(node, node, number, number, number).as(Message.HeartbeatReply::new),
                Combinators.combine(node, node, entries).as(Message.Learn::new),
                Combinators.combine(node, node, number, nodeMask).as(Message.LeaseGuard::new),
                Combinators.combine(node, node, number, nodeMask, Arbitraries.longs(), number, number)
                        .as(Message.LeasePromise::new),
                Combinators.combine(node, node, number, nodeMask, Arbitraries.longs(), number, number)
                        .as(Message.LeaseAck::new),
                Combinators.combine(node, node, number, Arbitraries.bytes().array(byte[].class).ofMaxSize(50))
                        .as((from, to, slot, data) -> new Message.SnapshotChunk(from, to, slot, 7, 0,
                                data.length, data)));
    }

    @Property(tries = 500)
    void roundTrips(@ForAll("messages") Message message) {
        byte[] encoded = MessageCodec.encode(message);
        Message decoded = MessageCodec.decode(MessageCodec.messageType(MessageCodec.frameType(message.type())),
                encoded);
        assertThat(decoded).isNotNull();
        assertThat(Arrays.equals(MessageCodec.encode(decoded), encoded)).isTrue();
        assertThat(describe(decoded)).isEqualTo(describe(message));
    }

    @Property(tries = 500)
    void truncatedBodiesAreRejected(@ForAll("messages") Message message,
                                    @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] encoded = MessageCodec.encode(message);
        if (encoded.length == 0) return;
        byte[] truncated = Arrays.copyOf(encoded, cut % encoded.length);
        assertThat(MessageCodec.decode(message.type(), truncated)).isNull();
    }

    @Property(tries = 500)
    void damagedBodiesNeverThrow(@ForAll("messages") Message message,
                                 @ForAll @IntRange(min = 0, max = 10_000) int position,
                                 @ForAll byte garbage) {
        byte[] encoded = MessageCodec.encode(message);
        encoded[position % encoded.length] = garbage;
        MessageCodec.decode(message.type(), encoded); // null or a well-formed message
    }

    /** Records print arrays by identity: compare through the encoder-independent parts. */
    private static String describe(Message message) {
        List<String> parts = new ArrayList<>();
        parts.add(message.type() + " " + message.from() + "->" + message.to());
        if (message instanceof Message.Accept accept) {
            for (Entry entry : accept.entries()) parts.add(entry.toString());
        }
        return String.join(" ", parts);
    }
}
