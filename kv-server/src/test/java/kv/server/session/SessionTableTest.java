package kv.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SessionTableTest {
    @Test
    void retryIsAnsweredWithTheFirstResult() {
        // Property: a retried command (same clientId, sequence) is applied once and answered
        // with its first result (Raft thesis, section 6.3; DESIGN.md "Exactly once").
        SessionTable table = new SessionTable(1000, 10);
        assertThat(table.check(7, 1)).isEqualTo(SessionCheck.NEW);
        table.record(7, 1, new byte[] {42}, 10);
        assertThat(table.check(7, 1)).isEqualTo(SessionCheck.DUPLICATE);
        assertThat(table.lastResult(7)).containsExactly(42);
        assertThat(table.check(7, 2)).isEqualTo(SessionCheck.NEW);
        table.record(7, 2, new byte[] {43}, 11);
        assertThat(table.check(7, 1)).isEqualTo(SessionCheck.STALE);
    }

    @Test
    void sessionsExpireByLogPositionNotWallTime() {
        // Property: expiry is a function of applied slots only, so every replica drops the same
        // sessions at the same slot; a late retry is refused rather than applied twice.
        SessionTable table = new SessionTable(100, 10);
        table.record(1, 1, new byte[0], 5);
        table.record(2, 1, new byte[0], 50);
        table.expire(105);
        assertThat(table.size()).isEqualTo(2);
        table.expire(106);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.check(1, 2)).isEqualTo(SessionCheck.EXPIRED);
        assertThat(table.check(2, 2)).isEqualTo(SessionCheck.NEW);
    }

    @Test
    void leastRecentlyUsedSessionIsEvictedAtTheBound() {
        // Property: the table stays within its bound (STYLE.md section 4), evicting the
        // session used longest ago, deterministically.
        SessionTable table = new SessionTable(1000, 2);
        table.record(1, 1, new byte[0], 1);
        table.record(2, 1, new byte[0], 2);
        table.record(1, 2, new byte[0], 3);
        table.record(3, 1, new byte[0], 4);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.check(2, 2)).isEqualTo(SessionCheck.EXPIRED);
        assertThat(table.check(1, 2)).isEqualTo(SessionCheck.DUPLICATE);
    }

    @Property
    void encodeDecodeRoundTrips(@ForAll @IntRange(min = 0, max = 50) int clients) {
        // Property: a snapshot of the table restores the same answers on another replica.
        SessionTable table = new SessionTable(1000, 100);
        for (int c = 0; c < clients; c++) table.record(c, 1 + c % 3, new byte[] {(byte) c}, c);
        SessionTable copy = new SessionTable(1000, 100);
        copy.decode(ByteBuffer.wrap(table.encode()));
        assertThat(copy.size()).isEqualTo(table.size());
        for (int c = 0; c < clients; c++) {
            assertThat(copy.check(c, 1 + c % 3)).isEqualTo(SessionCheck.DUPLICATE);
            assertThat(copy.lastResult(c)).containsExactly((byte) c);
        }
        assertThat(copy.encode()).isEqualTo(table.encode());
    }
}
