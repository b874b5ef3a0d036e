package kv.server.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SimDiskTest {
    @Property
    void everySingleByteCorruptionIsDetected(@ForAll @Size(min = 1, max = 200) byte[] payload,
                                             @ForAll @IntRange(min = 0, max = 10_000) int at,
                                             @ForAll @IntRange(min = 1, max = 255) int flip) {
        // Property: a record whose bytes changed is rejected by its CRC32C before decoding,
        // never applied (STYLE.md section 6, rule 4; Paxos Made Live, section 5.3).
        byte[] record = SimDisk.seal(payload);
        assertThat(SimDisk.unseal(record)).isNotNull();
        byte[] corrupt = record.clone();
        corrupt[at % corrupt.length] ^= (byte) flip;
        assertThat(SimDisk.unseal(corrupt)).isNull();
    }
}
