package kv.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kv.server.storage.rocksdb.RocksLogStore;
import kv.server.storage.rocksdb.RocksStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable log appends on real RocksDB: one synced WriteBatch per group of records (group commit),
 * with fsync on and off, for group sizes 1 and 100. Records per second = ops/s x groupSize.
 * Run: scripts/jmh.sh LogAppendBenchmark
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LogAppendBenchmark {
    @Param({"true", "false"})
    public boolean fsync;

    @Param({"1", "100"})
    public int groupSize;

    private Path directory;
    private RocksStorage storage;
    private RocksLogStore log;
    private List<byte[]> group;
    private long slot;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("kv-bench-log-");
        storage = new RocksStorage(directory, 8 << 20);
        log = new RocksLogStore(storage);
        group = new ArrayList<>(groupSize);
        for (int i = 0; i < groupSize; i++) group.add(new byte[100]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long appendGroup() {
        log.append(slot + 1, group, fsync);
        slot += groupSize;
        return slot;
    }
}
