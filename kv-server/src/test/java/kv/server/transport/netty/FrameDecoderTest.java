package kv.server.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kv.server.transport.Frame;
import kv.server.transport.FrameCodec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Peer frames: any split of the stream decodes to the frames sent; a corrupted byte anywhere is
 * caught by the length check or the CRC32C and never yields a frame that was not sent.
 */
class FrameDecoderTest {

    static byte[] frame(int from, int type, byte[] body) {
        int length = FrameCodec.HEADER_BYTES + body.length;
        int crc = FrameCodec.checksum((byte) FrameCodec.VERSION, (byte) type, (byte) from, body, 0, body.length);
        return Unpooled.buffer().writeInt(length).writeInt(crc).writeByte(FrameCodec.VERSION)
                .writeByte(type).writeByte(from).writeBytes(body).array().clone();
    }

    private static byte[] stream(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bodies.size(); i++) {
            byte[] encoded = frame(2, i % 7, bodies.get(i));
            out.write(encoded, 0, FrameCodec.LENGTH_BYTES + FrameCodec.HEADER_BYTES + bodies.get(i).length);
        }
        return out.toByteArray();
    }

    private static List<Frame> decode(byte[] bytes, int chunk, CountingTransportMetrics metrics) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(metrics));
        for (int at = 0; at < bytes.length && channel.isOpen(); at += chunk) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
        }
        List<Frame> frames = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) frames.add((Frame) message);
        // A corrupt length can leave bytes waiting for a frame that never comes: release them.
        channel.finishAndReleaseAll();
        return frames;
    }

    @Property(tries = 200)
    void anySplitDecodesTheSentFrames(@ForAll @Size(max = 20) List<@Size(max = 300) byte[]> bodies,
                                      @ForAll @IntRange(min = 1, max = 100) int chunk) {
        List<Frame> frames = decode(stream(bodies), chunk, new CountingTransportMetrics());
        assertThat(frames).hasSize(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            assertThat(frames.get(i).body()).isEqualTo(bodies.get(i));
            assertThat(frames.get(i).fromNodeId()).isEqualTo(2);
            assertThat(frames.get(i).type()).isEqualTo(i % 7);
        }
    }

    @Property(tries = 300)
    void corruptionNeverYieldsAnUnsentFrame(@ForAll @Size(min = 1, max = 10) List<@Size(max = 100) byte[]> bodies,
                                            @ForAll @IntRange(min = 0, max = 100_000) int position,
                                            @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] bytes = stream(bodies);
        bytes[position % bytes.length] ^= (byte) flip;
        CountingTransportMetrics metrics = new CountingTransportMetrics();
        List<Frame> frames = decode(bytes, 17, metrics);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(Arrays.equals(frames.get(i).body(), bodies.get(i))).isTrue();
        }
        assertThat(frames.size() < bodies.size() || metrics.corruptFrames.get() == 0).isTrue();
    }
}
