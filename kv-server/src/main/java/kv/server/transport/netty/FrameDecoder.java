package kv.server.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import kv.server.Limits;
import kv.server.transport.Frame;
import kv.server.transport.FrameCodec;
import kv.server.transport.TransportMetrics;

/** Splits the inbound stream into checked frames; a corrupt frame closes the connection. */
final class FrameDecoder extends ByteToMessageDecoder {
    private final TransportMetrics metrics;

    FrameDecoder(TransportMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= FrameCodec.LENGTH_BYTES) {
            int length = in.getInt(in.readerIndex());
            String problem = FrameCodec.problem(length, Limits.PEER_FRAME_SIZE_BYTES_MAX);
            if (problem != null) {
                corrupt(ctx, in, problem);
                return;
            }
            if (in.readableBytes() < FrameCodec.LENGTH_BYTES + length) return;
            in.skipBytes(FrameCodec.LENGTH_BYTES);
            int crc = in.readInt();
            byte version = in.readByte();
            byte type = in.readByte();
            byte from = in.readByte();
            byte[] body = new byte[length - FrameCodec.HEADER_BYTES];
            in.readBytes(body);
            if (version != FrameCodec.VERSION) {
                corrupt(ctx, in, "frame version " + version + ", expected " + FrameCodec.VERSION);
                return;
            }
            if (crc != FrameCodec.checksum(version, type, from, body, 0, body.length)) {
                corrupt(ctx, in, "frame checksum mismatch");
                return;
            }
            out.add(new Frame(from & 0xff, type & 0xff, body));
        }
    }

    private void corrupt(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        metrics.onCorruptFrame(reason);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
