package kv.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A bad config stops the node at start with the key, the value and the allowed range. */
class ServerConfigTest {

    @Test
    void embeddedDefaultIsValid() {
        ServerConfig config = ServerConfig.embeddedDefault();
        assertThat(config.clientPort()).isEqualTo(6379);
        assertThat(config.fsync()).isTrue();
        assertThat(config.keyspaces().byIndex(0).name()).isEqualTo("default");
    }

    @Test
    void sampleConfigsAreValid() throws Exception {
        Path samples = Path.of("../config");
        try (var files = Files.list(samples)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertThat(ServerConfig.load(file)).as(file.toString()).isNotNull();
            }
        }
    }

    @Test
    void unknownKeyNamesTheKeyAndTheAllowedOnes() {
        assertThatThrownBy(() -> ServerConfig.parse("client:\n  prot: 1\n", "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'client.prot'").hasMessageContaining("port");
    }

    @Test
    void outOfRangeNamesValueAndRange() {
        assertThatThrownBy(() -> ServerConfig.parse("client:\n  port: 70000\n", "t"))
                .hasMessageContaining("client.port = 70000 is out of range; allowed: 0..65535");
        assertThatThrownBy(() -> ServerConfig.parse("read:\n  threads: many\n", "t"))
                .hasMessageContaining("read.threads = 'many' is not an integer");
        assertThatThrownBy(() -> ServerConfig.parse("storage:\n  fsync: sometimes\n", "t"))
                .hasMessageContaining("storage.fsync = 'sometimes' is invalid");
    }

    @Test
    void keyspacesAreValidated() {
        ServerConfig eventual = ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 0}\n  - {name: c, index: 1, mode: eventual, write-level: quorum}\n", "t");
        assertThat(eventual.keyspaces().byIndex(1).writeLevel()).isEqualTo("QUORUM");
        assertThat(eventual.keyspaces().byIndex(1).readLevel()).isEqualTo("ONE");
        assertThatThrownBy(() -> ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 0, mode: banana}\n", "t"))
                .hasMessageContaining("mode = 'banana' is invalid");
        assertThatThrownBy(() -> ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 0, mode: eventual, read-level: most}\n", "t"))
                .hasMessageContaining("read-level = 'MOST' is invalid");
        assertThatThrownBy(() -> ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 0, write-level: all}\n", "t"))
                .hasMessageContaining("write-level and read-level do not apply");
        assertThatThrownBy(() -> ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 1}\n", "t"))
                .hasMessageContaining("no keyspace has index 0");
        assertThatThrownBy(() -> ServerConfig.parse(
                "keyspaces:\n  - {name: a, index: 0}\n  - {name: a, index: 1}\n", "t"))
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> ServerConfig.parse("keyspaces:\n  - {name: a}\n", "t"))
                .hasMessageContaining("index is required");
    }

    @Test
    void clusterMembersAreValidated() {
        String members = "node:\n  id: 2\ncluster:\n  members:\n"
                + "    - {id: 1, host: 127.0.0.11, client-port: 6379, peer-port: 7379}\n"
                + "    - {id: 2, host: 127.0.0.12, client-port: 6379, peer-port: 7379}\n"
                + "    - {id: 3, host: 127.0.0.13, client-port: 6379, peer-port: 7379}\n";
        ServerConfig config = ServerConfig.parse(members, "t");
        assertThat(config.members()).hasSize(3);
        assertThat(config.self().host()).isEqualTo("127.0.0.12");
        assertThatThrownBy(() -> ServerConfig.parse(members.replace("id: 2\n", "id: 4\n"), "t"))
                .hasMessageContaining("node.id 4 is not in cluster.members");
        assertThatThrownBy(() -> ServerConfig.parse(members.replace("id: 3,", "id: 2,"), "t"))
                .hasMessageContaining("cluster member id 2 is declared twice");
        assertThat(ServerConfig.parse("", "t").members()).isEmpty();
    }
}
