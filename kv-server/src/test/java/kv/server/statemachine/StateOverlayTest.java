package kv.server.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The overlay that lets later commands of a batch read earlier ones must read exactly like the
 * state after its writes are applied, and its recorded writes must produce that state.
 */
class StateOverlayTest {

    record Op(int kind, byte key, byte end, byte value) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.bytes().between((byte) 0, (byte) 20),
                Arbitraries.bytes().between((byte) 0, (byte) 20),
                Arbitraries.bytes()).as(Op::new);
        return op.list().ofMaxSize(40);
    }

    @Property(tries = 300)
    void overlayReadsLikeTheWrittenState(@ForAll("ops") List<Op> baseOps, @ForAll("ops") List<Op> batchOps) {
        MemoryState base = new MemoryState();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
        StateOverlay seed = new StateOverlay(base);
        for (Op op : baseOps) applyTo(seed, model, op);
        base.write(seed.writes());

        StateOverlay overlay = new StateOverlay(base);
        for (Op op : batchOps) {
            applyTo(overlay, model, op);
            assertSameContents(overlay, model);
        }
        base.write(overlay.writes());
        assertSameContents(base, model);
    }

    @Property(tries = 300)
    void sortedWritesProduceTheSameState(@ForAll("ops") List<Op> baseOps,
                                         @ForAll("ops") List<Op> batchOps) {
        MemoryState base = new MemoryState();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
        StateOverlay seed = new StateOverlay(base);
        for (Op op : baseOps) applyTo(seed, model, op);
        base.write(seed.sortedWrites());
        assertSameContents(base, model);

        StateOverlay overlay = new StateOverlay(base);
        for (Op op : batchOps) applyTo(overlay, model, op);
        StateWrites sorted = overlay.sortedWrites();
        base.write(sorted);
        assertSameContents(base, model);
        List<byte[]> pointKeys = new ArrayList<>();
        for (StateWrites.Op op : sorted.ops()) {
            if (op.rangeEnd() == null) pointKeys.add(op.key());
            else assertThat(pointKeys).as("range deletes come first").isEmpty();
        }
        for (int i = 1; i < pointKeys.size(); i++) {
            assertThat(Bytes.ORDER.compare(pointKeys.get(i - 1), pointKeys.get(i)))
                    .as("one write per key, in key order").isNegative();
        }
    }

    private static void applyTo(StateOverlay overlay, TreeMap<byte[], byte[]> model, Op op) {
        byte[] key = {op.key()};
        if (op.kind() < 6) {
            byte[] value = {op.value()};
            overlay.put(key, value);
            model.put(key, value);
        } else if (op.kind() < 8) {
            overlay.delete(key);
            model.remove(key);
        } else {
            byte[] from = {(byte) Math.min(op.key(), op.end())};
            byte[] to = {(byte) Math.max(op.key(), op.end())};
            overlay.deleteRange(from, to);
            model.subMap(from, true, to, false).clear();
        }
    }

    private static void assertSameContents(StateReader reader, TreeMap<byte[], byte[]> model) {
        List<String> scanned = new ArrayList<>();
        try (StateCursor cursor = reader.scan(new byte[] {0}, new byte[] {21})) {
            for (; cursor.valid(); cursor.next()) scanned.add(cursor.key()[0] + "=" + cursor.value()[0]);
        }
        List<String> expected = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : model.entrySet()) {
            expected.add(entry.getKey()[0] + "=" + entry.getValue()[0]);
        }
        assertThat(scanned).isEqualTo(expected);
        for (byte k = 0; k <= 20; k++) {
            byte[] got = reader.get(new byte[] {k});
            byte[] want = model.get(new byte[] {k});
            assertThat(got == null ? null : got[0]).isEqualTo(want == null ? null : want[0]);
        }
    }
}
