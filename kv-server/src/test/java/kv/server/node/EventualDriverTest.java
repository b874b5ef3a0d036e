package kv.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kv.server.Clock;
import kv.server.command.Command;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.eventual.EventualConfig;
import kv.server.eventual.Level;
import kv.server.storage.rocksdb.RocksEventualStore;
import kv.server.storage.rocksdb.RocksStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eventual driver over RocksDB on one node: a write is answered after its turn is written,
 * and a level-ONE point read is then answered on the caller's thread from memory; other reads
 * return null there and go through the driver.
 */
class EventualDriverTest {
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    private static Command command(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        return Command.of(CommandType.lookup(args[0]), 1, args);
    }

    private static Reply call(EventualDriver driver, Level level, String... words)
            throws Exception {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        driver.execute(command(words), level, reply::complete);
        return reply.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static String text(Reply reply) {
        return new String(((Reply.Bulk) reply).value(), StandardCharsets.UTF_8);
    }

    @Test
    void pointReadsAtOneAreAnsweredOnTheCallersThreadAfterTheWriteIsAcknowledged()
            throws Exception {
        try (RocksStorage storage = new RocksStorage(dir, 8 << 20)) {
            EventualDriver driver = new EventualDriver(EventualConfig.defaults(0, 1), new int[] {1},
                    new RocksEventualStore(storage), true, Clock.SYSTEM);
            driver.start(null);
            try {
                assertThat(((Reply.Bulk) driver.tryReadNow(command("GET", "k"))).value()).isNull();
                assertThat(call(driver, Level.ONE, "SET", "k", "v").isError()).isFalse();
                assertThat(text(driver.tryReadNow(command("GET", "k")))).isEqualTo("v");
                assertThat(driver.tryReadNow(command("EXISTS", "k"))).isEqualTo(Reply.integer(1));
                // Not a single point read: served by the driver thread.
                assertThat(driver.tryReadNow(command("MGET", "k", "other"))).isNull();
                Reply.Array both = (Reply.Array) call(driver, Level.ONE, "MGET", "k", "other");
                assertThat(text(both.elements().get(0))).isEqualTo("v");
            } finally {
                driver.close();
            }
            assertThat(driver.tryReadNow(command("GET", "k"))).isNull();
        }
    }
}
