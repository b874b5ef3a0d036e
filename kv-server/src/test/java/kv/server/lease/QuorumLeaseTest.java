package kv.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuorumLeaseTest {
    private static final int MEMBERS = 0b111;
    private static final LeaseConfig CONFIG = LeaseConfig.allHolders(MEMBERS, 50_000);

    @Test
    void restartedGrantorGatesAcceptsUntilForgottenGrantsExpire() {
        // Property: a grantor that restarted forgot its grants, but a holder may still read on a
        // promise of its earlier incarnation; so for one grantor lease after the restart it
        // acknowledges no accepted slot that a holder has not acknowledged in a promise
        // (Moraru et al., SoCC 2014, section 3: the grantor restricts its writes for the
        // lease duration). Simulator seed 1592590370 with -Dsim.leases=true read stale without.
        QuorumLease holder = new QuorumLease(CONFIG, 1, false);
        QuorumLease grantorBefore = new QuorumLease(CONFIG, 2, false);
        // Earlier incarnation of node 2: guard, acknowledgement at holder tick 5, promise.
        holder.onGuard(2, 5);
        grantorBefore.onAck(1, 100, 7, 5, 0);
        grantorBefore.promiseSent(1, 100, 120);
        assertThat(holder.onPromise(2, 6, 5, 120)).isTrue();
        long holderValidUntil = holder.validUntil(MEMBERS);
        assertThat(holderValidUntil).isEqualTo(5 + CONFIG.holderLeaseTicks());

        // Node 2 crashes and restarts at once: tick 0 of its new incarnation.
        QuorumLease grantor = new QuorumLease(CONFIG, 2, false);
        long forgottenUntil = CONFIG.grantorLeaseTicks();
        assertThat(forgottenUntil).isGreaterThan(CONFIG.holderLeaseTicks());
        for (long tick = 0; tick < forgottenUntil; tick++) {
            assertThat(grantor.gateSlotEnd(tick, MEMBERS)).as("tick %d", tick).isZero();
        }
        assertThat(grantor.gateSlotEnd(forgottenUntil, MEMBERS)).isEqualTo(Long.MAX_VALUE);

        // Holders that acknowledge a promise of the new incarnation lift the gate earlier,
        // up to the slot end they acknowledged.
        grantor.onAck(0, 1, 11, 40, 0);
        grantor.promiseSent(0, 1, 121);
        grantor.onAck(0, 2, 11, 41, 121);
        assertThat(grantor.gateSlotEnd(2, MEMBERS)).isZero(); // node 1 still silent
        grantor.onAck(1, 2, 7, 6, 0);
        grantor.promiseSent(1, 2, 121);
        grantor.onAck(1, 3, 7, 7, 121);
        assertThat(grantor.gateSlotEnd(3, MEMBERS)).isEqualTo(121);
    }
}
