package kv.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * A keyspace's mode cannot change once it holds data (README "Eventual keyspaces"): a real server
 * restarted with its eventual keyspace configured strong exits with code 3 and says why, without
 * touching the data; back on the original config it serves the data again.
 */
@ExtendWith(ServerLogOnFailure.class)
@Timeout(120)
class KeyspaceModeIT {
    private static final String EVENTUAL = "index: 2\n    mode: eventual";
    private static final String STRONG = "index: 2\n    mode: strong";

    @Test
    void aKeyspaceHoldingDataKeepsItsMode() throws Exception {
        try (ServerProcess server = ServerProcess.start(
                ServerProcess.Options.defaults().name("mode").fsync(true))) {
            try (Resp conn = server.connect()) {
                assertThat(conn.call("SELECT", "2")).isEqualTo("OK");
                assertThat(conn.call("SET", "kept", "value")).isEqualTo("OK");
            }
            server.replaceInConfig(EVENTUAL, STRONG);
            assertThatThrownBy(server::restart).hasMessageContaining("exited with code 3");
            assertThat(server.logTail(20)).contains("kv-server: cannot start: keyspace 2 holds "
                    + "eventual data on this node but is configured strong");

            server.replaceInConfig(STRONG, EVENTUAL);
            server.restart();
            try (Resp conn = server.connect()) {
                assertThat(conn.call("SELECT", "2")).isEqualTo("OK");
                assertThat(new String((byte[]) conn.call("GET", "kept"), StandardCharsets.UTF_8))
                        .isEqualTo("value");
            }
        }
    }
}
