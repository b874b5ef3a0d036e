package kv.server.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Last-writer-wins merge is a join: commutative, associative, idempotent. So a replica that
 * receives updates in any order, any number of times, ends at the greatest version
 * (Shapiro et al., "Conflict-free Replicated Data Types", 2011, state-based convergence).
 */
class LwwMergeProperties {
    @Provide
    Arbitrary<Versioned> values() {
        // Few timestamps and nodes, so equal versions and ties on the node index come up often.
        Arbitrary<Version> versions = Combinators.combine(
                Arbitraries.longs().between(0, 6), Arbitraries.integers().between(0, 2))
                .as(Version::new);
        Arbitrary<byte[]> blobs = Arbitraries.bytes().array(byte[].class).ofMaxSize(3)
                .injectNull(0.3);
        return Combinators.combine(versions, blobs).as(Versioned::new).injectNull(0.1);
    }

    @Provide
    Arbitrary<List<Versioned>> updateLists() {
        return values().list().ofMaxSize(12);
    }

    @Property
    void commutative(@ForAll("values") Versioned a, @ForAll("values") Versioned b) {
        assertThat(LwwMerge.merge(a, b)).isEqualTo(LwwMerge.merge(b, a));
    }

    @Property
    void associative(@ForAll("values") Versioned a, @ForAll("values") Versioned b,
                     @ForAll("values") Versioned c) {
        assertThat(LwwMerge.merge(LwwMerge.merge(a, b), c))
                .isEqualTo(LwwMerge.merge(a, LwwMerge.merge(b, c)));
    }

    @Property
    void idempotent(@ForAll("values") Versioned a, @ForAll("values") Versioned b) {
        assertThat(LwwMerge.merge(a, a)).isEqualTo(a);
        Versioned once = LwwMerge.merge(a, b);
        assertThat(LwwMerge.merge(once, b)).isEqualTo(once);
    }

    @Property
    void anyDeliveryOrderWithDuplicatesEndsAtTheGreatestVersion(
            @ForAll("updateLists") List<Versioned> updates, @ForAll long shuffleSeed) {
        List<Versioned> delivered = new ArrayList<>(updates);
        delivered.addAll(updates.subList(0, updates.size() / 2)); // duplicates
        Collections.shuffle(delivered, new Random(shuffleSeed));
        Versioned replica = null;
        for (Versioned update : delivered) replica = LwwMerge.merge(replica, update);
        Versioned greatest = null;
        for (Versioned update : updates) {
            if (update != null && (greatest == null
                    || update.version().compareTo(greatest.version()) > 0)) {
                greatest = update;
            }
        }
        if (greatest == null) {
            assertThat(replica).isNull();
        } else {
            assertThat(replica.version()).isEqualTo(greatest.version());
        }
    }

    @Property
    void incomingWinsExactlyWhenMergeTakesIt(@ForAll("values") Versioned local,
                                             @ForAll("values") Versioned incoming) {
        if (local == null || incoming == null || local.version().equals(incoming.version())) return;
        boolean wins = LwwMerge.incomingWins(local.version(), incoming.version());
        assertThat(LwwMerge.merge(local, incoming)).isEqualTo(wins ? incoming : local);
    }
}
