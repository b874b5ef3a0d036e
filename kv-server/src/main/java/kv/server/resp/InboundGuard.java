package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import kv.server.Limits;
import kv.server.command.Reply;

/**
 * Sits before the RESP decoder: counts inbound bytes and bounds how much a client can make the
 * decoder buffer. The decoder streams bulk payloads but buffers a header or inline line until
 * its newline, so a client that never sends one would grow that buffer without end; past
 * {@link Limits#REQUEST_SIZE_BYTES_MAX} bytes without a newline the connection is closed.
 */
final class InboundGuard extends ChannelInboundHandlerAdapter {
    private final RespMetrics metrics;
    private long bytesSinceNewline;

    InboundGuard(RespMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        int readable = in.readableBytes();
        metrics.onBytesIn(readable);
        int lastNewline = in.forEachByteDesc(ByteProcessor.FIND_LF);
        bytesSinceNewline = lastNewline < 0 ? bytesSinceNewline + readable
                : in.writerIndex() - lastNewline - 1;
        if (bytesSinceNewline > Limits.REQUEST_SIZE_BYTES_MAX) {
            ReferenceCountUtil.release(in);
            metrics.onRejected("request_size");
            ByteBuf out = ctx.alloc().buffer();
            RespWriter.write(Reply.error("ERR Protocol error: more than "
                    + Limits.REQUEST_SIZE_BYTES_MAX + " bytes without a line end"), out);
            ctx.writeAndFlush(out).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        ctx.fireChannelRead(in);
    }
}
