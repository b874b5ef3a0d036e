package kv.server.resp;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisDecoder;
import kv.server.Limits;

/** The handlers of one client connection, in order; shared by the server and the benchmarks. */
public final class RespPipeline {
    private RespPipeline() {}

    public static void initialize(ChannelPipeline pipeline, RespContext context) {
        pipeline.addLast(new InboundGuard(context.metrics()))
                .addLast(new RedisDecoder(Limits.INLINE_LINE_SIZE_BYTES_MAX,
                        FixedRedisMessagePool.INSTANCE, true))
                .addLast(new RequestAggregator())
                .addLast(new RespHandler(context));
    }
}
