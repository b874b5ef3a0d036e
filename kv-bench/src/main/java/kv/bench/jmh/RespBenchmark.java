package kv.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import kv.server.resp.RespPipeline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode + dispatch + execute + encode of one GET or SET through the real RESP pipeline
 * (netty codec-redis, our aggregator, RespHandler) and the real state machine, in memory.
 * Run: java -jar kv-bench/target/benchmarks.jar RespBenchmark -prof gc
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RespBenchmark {
    private EmbeddedChannel channel;
    private ByteBuf get;
    private ByteBuf set;

    @Setup(Level.Trial)
    public void setUp() {
        InMemoryNode node = new InMemoryNode();
        // Handlers go in before registration, so the connection sees channelActive as on a socket.
        channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                RespPipeline.initialize(ch.pipeline(), node.context());
            }
        });
        set = request("*3\r\n$3\r\nSET\r\n$10\r\nkey:000042\r\n$8\r\nvalue-42\r\n");
        get = request("*2\r\n$3\r\nGET\r\n$10\r\nkey:000042\r\n");
        exchange(set);
    }

    private static ByteBuf request(String text) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
                text.getBytes(StandardCharsets.US_ASCII)));
    }

    private int exchange(ByteBuf request) {
        channel.writeInbound(request.duplicate());
        channel.runPendingTasks();
        ByteBuf reply = channel.readOutbound();
        int size = reply.readableBytes();
        reply.release();
        return size;
    }

    @Benchmark
    public int get() {
        return exchange(get);
    }

    @Benchmark
    public int set() {
        return exchange(set);
    }
}
