package kv.server.resp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisDecoder;
import kv.server.Limits;

/** The handlers of one client connection, in order; shared by the server and the benchmarks. */
public final class RespPipeline {
    private RespPipeline() {}

    public static void initialize(ChannelPipeline pipeline, RespContext context) {
        pipeline.addLast(requestDecoder(context.metrics())).addLast(new RespHandler(context));
    }

    /** The request decoder the server uses: hand-written, one pass, limits while streaming. */
    public static ChannelHandler[] requestDecoder(RespMetrics metrics) {
        return new ChannelHandler[] {new RespRequestDecoder(metrics)};
    }

    /**
     * The earlier decoder: netty codec-redis framing plus our aggregator and guard. Kept for the
     * decoder benchmark that justifies the hand-written one (the 2x rule of the foundation issue).
     */
    public static ChannelHandler[] codecRedisDecoder(RespMetrics metrics) {
        return new ChannelHandler[] {new InboundGuard(metrics),
            new RedisDecoder(Limits.INLINE_LINE_SIZE_BYTES_MAX, FixedRedisMessagePool.INSTANCE, true),
            new RequestAggregator()};
    }

    /** Decoded requests are package-private; benchmarks only count them. */
    public static boolean isRequest(Object message) {
        return message instanceof Request;
    }
}
