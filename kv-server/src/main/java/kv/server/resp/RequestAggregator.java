package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringRedisContent;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.LastBulkStringRedisContent;
import io.netty.util.ReferenceCountUtil;
import kv.server.Limits;

/**
 * Turns netty codec-redis frames into {@link Request}s of plain byte arrays, enforcing the
 * request limits while streaming: an argument over {@link Limits#VALUE_SIZE_BYTES_MAX} or a
 * request over {@link Limits#REQUEST_SIZE_BYTES_MAX} is discarded as it arrives (memory stays
 * bounded) and answered with -LIMIT; the connection stays usable. Framing errors close it.
 * (Netty's own aggregators would allocate an array of the declared length up front.)
 */
final class RequestAggregator extends ChannelInboundHandlerAdapter {
    private byte[][] args;
    private int argsDone;
    private byte[] bulk;
    private int bulkFilled;
    private int requestBytes;
    /** Set once the current request broke a limit: keep consuming it, then reject it. */
    private String rejection;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            onMessage(ctx, msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InlineCommandRedisMessage inline) {
            onInline(ctx, inline.content());
        } else if (msg instanceof ArrayHeaderRedisMessage header) {
            onArrayHeader(ctx, header.length());
        } else if (args == null) {
            fatal(ctx, "Protocol error: expected '*' or an inline command, got " + describe(msg));
        } else if (msg instanceof BulkStringHeaderRedisMessage header) {
            onBulkHeader(header.bulkStringLength());
        } else if (msg instanceof FullBulkStringRedisMessage full && bulk == null) {
            // Empty or null bulk strings arrive without a header.
            if (full.isNull()) {
                fatal(ctx, "Protocol error: invalid bulk length");
                return;
            }
            addArg(ctx, new byte[0]);
        } else if (msg instanceof BulkStringRedisContent content) {
            onBulkContent(ctx, content);
        } else {
            fatal(ctx, "Protocol error: expected '$', got " + describe(msg));
        }
    }

    private void onArrayHeader(ChannelHandlerContext ctx, long length) {
        if (args != null) {
            fatal(ctx, "Protocol error: expected '$', got '*'");
            return;
        }
        if (length <= 0) return; // "*0" and "*-1" are ignored, as Redis does
        if (length > Limits.COMMAND_ARGS_COUNT_MAX) {
            fatal(ctx, "Protocol error: invalid multibulk length " + length + " (max "
                    + Limits.COMMAND_ARGS_COUNT_MAX + " arguments)");
            return;
        }
        args = new byte[(int) length][];
        argsDone = 0;
        requestBytes = 0;
        rejection = null;
    }

    private void onBulkHeader(int length) {
        requestBytes += length;
        if (length > Limits.VALUE_SIZE_BYTES_MAX) {
            reject("LIMIT argument size " + length + " bytes exceeds max "
                    + Limits.VALUE_SIZE_BYTES_MAX + " bytes");
        } else if (requestBytes > Limits.REQUEST_SIZE_BYTES_MAX || requestBytes < 0) {
            reject("LIMIT request size exceeds max " + Limits.REQUEST_SIZE_BYTES_MAX
                    + " bytes; split it into several commands");
        }
        bulk = rejection == null ? new byte[length] : EMPTY_DISCARDED;
        bulkFilled = 0;
    }

    private static final byte[] EMPTY_DISCARDED = new byte[0];

    private void onBulkContent(ChannelHandlerContext ctx, BulkStringRedisContent content) {
        ByteBuf data = content.content();
        if (bulk != EMPTY_DISCARDED) {
            int readable = data.readableBytes();
            if (bulkFilled + readable > bulk.length) {
                fatal(ctx, "Protocol error: bulk string longer than its header");
                return;
            }
            data.readBytes(bulk, bulkFilled, readable);
            bulkFilled += readable;
        }
        if (content instanceof LastBulkStringRedisContent) {
            byte[] done = bulk;
            bulk = null;
            addArg(ctx, done);
        }
    }

    private void addArg(ChannelHandlerContext ctx, byte[] arg) {
        args[argsDone++] = arg;
        if (argsDone < args.length) return;
        Request request = rejection == null ? Request.command(args, requestBytes)
                : Request.rejected(rejection);
        args = null;
        ctx.fireChannelRead(request);
    }

    private void reject(String error) {
        if (rejection == null) rejection = error;
    }

    private void onInline(ChannelHandlerContext ctx, String line) {
        byte[][] parsed = InlineParser.split(line);
        if (parsed == null) {
            fatal(ctx, "Protocol error: unbalanced quotes in request");
        } else if (parsed.length > 0) {
            ctx.fireChannelRead(Request.command(parsed, line.length()));
        }
    }

    private void fatal(ChannelHandlerContext ctx, String error) {
        args = null;
        bulk = null;
        ctx.fireChannelRead(Request.fatal("ERR " + error));
    }

    private static String describe(Object msg) {
        return msg.getClass().getSimpleName().replace("RedisMessage", "");
    }
}
