package kv.bench.jmh;

import java.util.concurrent.TimeUnit;
import kv.server.Clock;
import kv.server.eventual.Hlc;
import kv.server.eventual.LwwMerge;
import kv.server.eventual.Version;
import kv.server.eventual.Versioned;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-write costs of eventual keyspaces: stamping a hybrid logical clock timestamp and
 * resolving two versions by last writer wins. Run: scripts/jmh.sh EventualBenchmark
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventualBenchmark {
    private Hlc hlc;
    private Versioned older;
    private Versioned newer;
    private long remote;

    @Setup
    public void setUp() {
        hlc = new Hlc(Clock.SYSTEM, 0);
        older = new Versioned(new Version(Hlc.ofMillis(1_000), 1), new byte[100]);
        newer = new Versioned(new Version(Hlc.ofMillis(1_000), 2), new byte[100]);
        remote = Hlc.ofMillis(System.currentTimeMillis());
    }

    @Benchmark
    public long hlcNow() {
        return hlc.now();
    }

    @Benchmark
    public long hlcObserveThenNow() {
        hlc.observe(remote);
        return hlc.now();
    }

    @Benchmark
    public Versioned lwwMerge() {
        return LwwMerge.merge(older, newer);
    }
}
