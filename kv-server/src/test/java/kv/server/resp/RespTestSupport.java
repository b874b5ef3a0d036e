package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kv.server.Limits;

/** Builds the inbound RESP pipeline in an EmbeddedChannel and encodes requests. */
final class RespTestSupport {
    private RespTestSupport() {}

    /** The server's request decoder alone (see {@link RespPipeline#requestDecoder}). */
    static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(RespPipeline.requestDecoder(RespMetrics.NONE));
    }

    static byte[] encode(byte[]... args) {
        ByteBuf out = Unpooled.buffer();
        out.writeCharSequence("*" + args.length + "\r\n", StandardCharsets.US_ASCII);
        for (byte[] arg : args) {
            out.writeCharSequence("$" + arg.length + "\r\n", StandardCharsets.US_ASCII);
            out.writeBytes(arg);
            out.writeCharSequence("\r\n", StandardCharsets.US_ASCII);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    static byte[] encode(String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        return encode(args);
    }

    /** Feeds {@code bytes} one at a time, as a client trickling its request would. */
    static List<Request> feedByteByByte(EmbeddedChannel channel, byte[] bytes) {
        for (byte b : bytes) channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        return drain(channel);
    }

    static List<Request> drain(EmbeddedChannel channel) {
        List<Request> requests = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) requests.add((Request) message);
        return requests;
    }
}
