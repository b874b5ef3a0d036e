package kv.server.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BallotsQuorumTest {
    @Property
    void ballotsOrderByRoundThenNode(@ForAll @LongRange(min = 1, max = 1L << 40) long roundA,
                                     @ForAll @IntRange(min = 0, max = 6) int nodeA,
                                     @ForAll @LongRange(min = 1, max = 1L << 40) long roundB,
                                     @ForAll @IntRange(min = 0, max = 6) int nodeB) {
        // Property: ballots are unique per node and totally ordered, lexicographically by
        // (round, node) (Paxos Made Simple, section 2.2: "disjoint sets of numbers").
        long a = Ballots.of(roundA, nodeA);
        long b = Ballots.of(roundB, nodeB);
        int naive = roundA != roundB ? Long.compare(roundA, roundB) : Integer.compare(nodeA, nodeB);
        assertThat(Integer.signum(Long.compare(a, b))).isEqualTo(Integer.signum(naive));
        assertThat(Ballots.round(a)).isEqualTo(roundA);
        assertThat(Ballots.nodeIndex(a)).isEqualTo(nodeA);
        assertThat(Ballots.next(a, nodeB)).isGreaterThan(a);
    }

    @Property
    void anyTwoMajoritiesIntersect(@ForAll @IntRange(min = 1, max = 127) int members,
                                   @ForAll @IntRange(min = 0, max = 127) int votesA,
                                   @ForAll @IntRange(min = 0, max = 127) int votesB) {
        // Property: any two majorities of the members share a member, which is what makes
        // a chosen value visible to every later Phase 1 (Paxos Made Simple, section 2.1).
        boolean a = Quorum.reached(votesA, members);
        boolean b = Quorum.reached(votesB, members);
        int naiveSize = 0;
        for (int i = 0; i < 7; i++) if ((members & (1 << i)) != 0) naiveSize++;
        int naiveVotes = 0;
        for (int i = 0; i < 7; i++) if ((members & votesA & (1 << i)) != 0) naiveVotes++;
        assertThat(a).isEqualTo(2 * naiveVotes > naiveSize);
        if (a && b) assertThat(votesA & votesB & members).isNotZero();
    }
}
