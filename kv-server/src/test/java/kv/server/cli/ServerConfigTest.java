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

    private static final String MEMBERS = "  members:\n"
            + "    - {id: 1, host: 127.0.0.11, client-port: 7001, peer-port: 7101}\n"
            + "    - {id: 2, host: 127.0.0.12, client-port: 7002, peer-port: 7102}\n"
            + "    - {id: 3, host: 127.0.0.13, client-port: 7003, peer-port: 7103}\n";

    @Test
    void leasesDefaultOnForEveryMemberAndAreValidated() {
        ServerConfig defaults = ServerConfig.parse("cluster:\n" + MEMBERS, "t");
        assertThat(defaults.cluster().leases().enabled()).isTrue();
        assertThat(defaults.cluster().leases().holderIds()).isEmpty();
        ServerConfig some = ServerConfig.parse("cluster:\n  leases: {holders: [1, 3], duration-millis: 300}\n"
                + MEMBERS, "t");
        assertThat(some.cluster().leases().holderIds()).containsExactly(1, 3);
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {holders: [4]}\n" + MEMBERS, "t"))
                .hasMessageContaining("cluster.leases.holders names 4");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {enabled: maybe}\n" + MEMBERS, "t"))
                .hasMessageContaining("cluster.leases.enabled = 'maybe' is invalid");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {duration-millis: 40}\n" + MEMBERS, "t"))
                .hasMessageContaining("below 4 ticks");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {duration-millis: 5000}\n" + MEMBERS, "t"))
                .hasMessageContaining("is too long");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {renew-millis: 300}\n" + MEMBERS, "t"))
                .hasMessageContaining("the renewal at most half");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  request-timeout-millis: 1000\n"
                        + "  leases: {duration-millis: 400, guard-millis: 200}\n" + MEMBERS, "t"))
                .hasMessageContaining("at most half of cluster.request-timeout-millis");
        assertThatThrownBy(() -> ServerConfig.parse("cluster:\n  leases: {period: 1}\n" + MEMBERS, "t"))
                .hasMessageContaining("unknown key 'leases.period'");
    }

    @Test
    void leaseMillisBecomeTicksAndHoldersAMask() {
        ServerConfig config = ServerConfig.parse("cluster:\n  leases: {holders: [2, 3]}\n" + MEMBERS, "t");
        var lease = kv.server.node.Node.leaseConfig(config.cluster(), new int[] {1, 2, 3});
        assertThat(lease.holdersMask()).isEqualTo(0b110);
        assertThat(lease.leaseDurationTicks()).isEqualTo(20);
        assertThat(lease.guardDurationTicks()).isEqualTo(10);
        assertThat(lease.renewIntervalTicks()).isEqualTo(5);
        ServerConfig off = ServerConfig.parse("cluster:\n  leases: {enabled: false}\n" + MEMBERS, "t");
        assertThat(kv.server.node.Node.leaseConfig(off.cluster(), new int[] {1, 2, 3}).enabled()).isFalse();
    }
}
