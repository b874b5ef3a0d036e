package kv.server.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.InvariantViolation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Log entries decode to exactly the commands encoded; a damaged entry is never accepted. */
class CommandCodecTest {

    @Provide
    Arbitrary<List<Command>> batches() {
        Arbitrary<byte[]> arg = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<Command> command = arg.list().ofMinSize(1).ofMaxSize(6).flatMap(args ->
                Arbitraries.of(CommandType.values()).flatMap(type ->
                        Arbitraries.integers().between(0, 63).flatMap(keyspace ->
                                Arbitraries.longs().map(client -> new Command(type, keyspace,
                                        args.toArray(new byte[0][]), client, client ^ 7)))));
        return command.list().ofMaxSize(8);
    }

    @Property(tries = 100)
    void roundTrips(@ForAll("batches") List<Command> batch) {
        List<Command> decoded = CommandCodec.decode(CommandCodec.encode(batch));
        assertThat(decoded).hasSize(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Command a = batch.get(i);
            Command b = decoded.get(i);
            assertThat(b.type()).isEqualTo(a.type());
            assertThat(b.keyspaceIndex()).isEqualTo(a.keyspaceIndex());
            assertThat(b.clientId()).isEqualTo(a.clientId());
            assertThat(b.sequence()).isEqualTo(a.sequence());
            assertThat(Arrays.deepEquals(b.args(), a.args())).isTrue();
        }
    }

    @Property(tries = 100)
    void truncationIsDetected(@ForAll("batches") List<Command> batch) {
        if (batch.isEmpty()) return;
        byte[] encoded = CommandCodec.encode(batch);
        for (int cut = 0; cut < encoded.length; cut += Math.max(1, encoded.length / 7)) {
            byte[] truncated = Arrays.copyOf(encoded, cut);
            assertThatThrownBy(() -> CommandCodec.decode(truncated))
                    .isInstanceOf(InvariantViolation.class);
        }
    }

    @Property(tries = 100)
    void transactionsRoundTrip(@ForAll("batches") List<Command> queued) {
        List<Transaction.Watch> watches = new ArrayList<>();
        watches.add(new Transaction.Watch(new byte[] {1, 2, 3}, 42));
        Command encoded = new Transaction(watches, queued).toCommand(3, 9, 10);
        Transaction decoded = Transaction.fromCommand(
                CommandCodec.decode(CommandCodec.encode(List.of(encoded))).get(0));
        assertThat(decoded.watches().get(0).position()).isEqualTo(42);
        assertThat(decoded.commands()).hasSize(queued.size());
    }
}
