package kv.server.eventual;

import static kv.server.eventual.TestCluster.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import kv.server.storage.rocksdb.RocksEventualStore;
import kv.server.storage.rocksdb.RocksStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica over RocksDB persists each turn atomically and restores from it: values, versions,
 * tombstones, the update log and the clock survive a reopen (DESIGN.md "Storage").
 */
class RocksEventualStoreTest {
    @TempDir
    Path dir;

    @Test
    void replicaStateSurvivesAReopen() {
        TestClock clock = new TestClock(1_700_000_000_000L);
        EventualConfig config = EventualConfig.defaults(0, 0b11);
        Version written;
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksEventualStore store = new RocksEventualStore(storage);
            EventualReplica replica = new EventualReplica(config, store.state(), store.metadata(),
                    clock);
            replica.write(1, TestNode.command(1, "HSET", "h", "f", "v"), Level.ONE);
            replica.write(2, TestNode.command(1, "DEL", "gone"), Level.ONE);
            EventualReady ready = replica.ready();
            store.write(ready.stateWrites(), ready.metadataWrites(), true);
            replica.advance();
            assertThat(ready.repliesToSend()).hasSize(2);
            assertThat(ready.messagesToSend()).hasSize(1); // the push to node 1
            written = replica.valueOf(1, bytes("h")).version();
        }
        clock.wallMillis -= 10_000; // the wall clock went back while the node was down
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            RocksEventualStore store = new RocksEventualStore(storage);
            EventualReplica replica = new EventualReplica(config, store.state(), store.metadata(),
                    clock);
            assertThat(replica.valueOf(1, bytes("h")).version()).isEqualTo(written);
            assertThat(replica.valueOf(1, bytes("gone")).isTombstone()).isTrue();
            replica.read(3, TestNode.command(1, "HGET", "h", "f"), Level.ONE);
            replica.write(4, TestNode.command(1, "SET", "k", "v"), Level.ONE);
            EventualReady ready = replica.ready();
            store.write(ready.stateWrites(), ready.metadataWrites(), true);
            replica.advance();
            assertThat(TestNode.text(ready.repliesToSend().get(0).reply())).isEqualTo("v");
            assertThat(replica.valueOf(1, bytes("k")).version()).isGreaterThan(written);
            // The unacknowledged log resumes: the push carries both old entries and the new one.
            EventualReady.OutboundMessage sent = ready.messagesToSend().get(0);
            EventualCodec.Decoded push = EventualCodec.decode(sent.frameType(), sent.body());
            assertThat(((EventualMessage.Push) push.message()).fromSeq()).isEqualTo(1);
            assertThat(((EventualMessage.Push) push.message()).updates()).hasSize(3);
        }
    }
}
