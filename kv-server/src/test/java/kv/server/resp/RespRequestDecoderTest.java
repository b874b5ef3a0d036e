package kv.server.resp;

import static kv.server.resp.RespTestSupport.decoderChannel;
import static kv.server.resp.RespTestSupport.encode;
import static kv.server.resp.RespTestSupport.feedByteByByte;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import kv.server.Limits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * RESP request framing (the server's decoder, {@link RespRequestDecoder}): any split of the byte
 * stream decodes to the same requests; limits are enforced while streaming; framing errors are
 * reported, never thrown past the pipeline as anything but a protocol error.
 */
class RespRequestDecoderTest {

    @Test
    void decodesOneByteAtATime() {
        EmbeddedChannel channel = decoderChannel();
        List<Request> requests = feedByteByByte(channel, encode("SET", "key", "va\r\nlue"));
        assertThat(requests).hasSize(1);
        assertThat(words(requests.get(0))).containsExactly("SET", "key", "va\r\nlue");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesInlineCommandsWithQuotes() {
        EmbeddedChannel channel = decoderChannel();
        List<Request> requests = feedByteByByte(channel,
                "SET k \"a b\\x41\\n\" \r\nPING\r\n\r\nget 'it''s'\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(requests).hasSize(3);
        assertThat(words(requests.get(0))).containsExactly("SET", "k", "a bA\n");
        assertThat(words(requests.get(1))).containsExactly("PING");
        assertThat(requests.get(2).close()).isTrue(); // 'it''s' is unbalanced in Redis too
    }

    @Test
    void inlineCommandsMayEndWithABareLineFeedAmongMultibulkRequests() {
        byte[] stream = ("PING\nSET k v\n*2\r\n$3\r\nGET\r\n$3\r\na\nb\r\nECHO x\r\nECHO y\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            EmbeddedChannel channel = decoderChannel();
            for (int at = 0; at < stream.length; at += chunk) {
                channel.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(chunk, stream.length - at)));
            }
            List<Request> requests = RespTestSupport.drain(channel);
            assertThat(requests).as("chunk %d", chunk).hasSize(5);
            assertThat(words(requests.get(0))).containsExactly("PING");
            assertThat(words(requests.get(1))).containsExactly("SET", "k", "v");
            assertThat(words(requests.get(2))).containsExactly("GET", "a\nb");
            assertThat(words(requests.get(3))).containsExactly("ECHO", "x");
            assertThat(words(requests.get(4))).containsExactly("ECHO", "y");
        }
    }

    @Test
    void emptyArgumentsAndEmptyArraysAreHandled() {
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer("*0\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n".getBytes()));
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests).hasSize(1);
        assertThat(words(requests.get(0))).containsExactly("GET", "");
    }

    @Test
    void oversizedValueIsRejectedButTheStreamStaysInSync() {
        EmbeddedChannel channel = decoderChannel();
        byte[] big = new byte[Limits.VALUE_SIZE_BYTES_MAX + 1];
        Arrays.fill(big, (byte) 'x');
        channel.writeInbound(Unpooled.wrappedBuffer(encode("SET".getBytes(), "k".getBytes(), big)));
        channel.writeInbound(Unpooled.wrappedBuffer(encode("PING")));
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).args()).isNull();
        assertThat(requests.get(0).close()).isFalse();
        assertThat(requests.get(0).error()).startsWith("LIMIT argument size 1048577 bytes exceeds max");
        assertThat(words(requests.get(1))).containsExactly("PING");
    }

    @Test
    void bulkDeclaredBeyondTheRequestLimitIsAProtocolErrorAtOnce() {
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer("*2\r\n$3\r\nGET\r\n$2000000000\r\n".getBytes()));
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).close()).isTrue();
        assertThat(requests.get(0).error()).contains("invalid bulk length 2000000000");
    }

    @Test
    void hugeArrayHeaderIsAProtocolError() {
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer("*99999999\r\n".getBytes()));
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).close()).isTrue();
        assertThat(requests.get(0).error()).contains("invalid multibulk length");
    }

    @Test
    void nestedArraysAndStrayTypesAreProtocolErrors() {
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer("*1\r\n*1\r\n".getBytes()));
        assertThat(RespTestSupport.drain(channel).get(0).close()).isTrue();
        EmbeddedChannel other = decoderChannel();
        other.writeInbound(Unpooled.wrappedBuffer(":12\r\n".getBytes()));
        assertThat(RespTestSupport.drain(other).get(0).error()).startsWith("ERR Protocol error");
    }

    @Test
    void badBulkLengthSurfacesAsDecoderException() {
        EmbeddedChannel channel = decoderChannel();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer("*1\r\n$abc\r\n".getBytes()));
        } catch (DecoderException expected) {
            return; // RespHandler.exceptionCaught answers -ERR Protocol error and closes
        }
        assertThat(RespTestSupport.drain(channel)).allMatch(Request::close);
    }

    @Test
    void endlessLineIsCutOffAtTheRequestLimit() {
        // A simple-string line without an end: codec-redis buffers it until the newline, so
        // the guard in front of it must close the connection before memory grows without bound.
        EmbeddedChannel channel = decoderChannel();
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        boolean rejectedByDecoder = false;
        try {
            channel.writeInbound(Unpooled.wrappedBuffer("+".getBytes()));
            for (int i = 0; i < 9 && channel.isOpen(); i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            }
        } catch (DecoderException e) {
            rejectedByDecoder = true; // codec-redis' own line limit fired first: also bounded
        }
        if (!rejectedByDecoder) {
            // The decoder refuses the stray type at once (a fatal request: RespHandler replies
            // and closes) and skips whatever follows, so nothing is buffered.
            List<Request> requests = RespTestSupport.drain(channel);
            assertThat(requests).hasSize(1);
            assertThat(requests.get(0).close()).isTrue();
        }
    }

    @Provide
    Arbitrary<List<byte[][]>> pipelines() {
        Arbitrary<byte[]> arg = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return arg.list().ofMinSize(1).ofMaxSize(5).map(list -> list.toArray(new byte[0][]))
                .list().ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 200)
    void anySplitDecodesTheSameRequests(@ForAll("pipelines") List<byte[][]> pipeline,
                                        @ForAll @IntRange(min = 1, max = 64) int chunkSize) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[][] args : pipeline) stream.writeBytes(encode(args));
        byte[] bytes = stream.toByteArray();
        EmbeddedChannel channel = decoderChannel();
        for (int at = 0; at < bytes.length; at += chunkSize) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(chunkSize, bytes.length - at)));
        }
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests).hasSize(pipeline.size());
        for (int i = 0; i < pipeline.size(); i++) {
            assertThat(Arrays.deepEquals(requests.get(i).args(), pipeline.get(i))).isTrue();
        }
    }

    @Property(tries = 200)
    void truncatedStreamsYieldOnlyCompleteRequests(@ForAll("pipelines") List<byte[][]> pipeline,
                                                   @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[][] args : pipeline) stream.writeBytes(encode(args));
        byte[] bytes = stream.toByteArray();
        int length = Math.min(cut, bytes.length);
        EmbeddedChannel channel = decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, length));
        List<Request> requests = RespTestSupport.drain(channel);
        assertThat(requests.size()).isLessThanOrEqualTo(pipeline.size());
        for (int i = 0; i < requests.size(); i++) {
            assertThat(Arrays.deepEquals(requests.get(i).args(), pipeline.get(i))).isTrue();
        }
    }

    @Property(tries = 300)
    void corruptedStreamsNeverEscapeAsOtherErrors(@ForAll("pipelines") List<byte[][]> pipeline,
                                                  @ForAll @IntRange(min = 0, max = 5000) int position,
                                                  @ForAll byte garbage) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[][] args : pipeline) stream.writeBytes(encode(args));
        byte[] bytes = stream.toByteArray();
        bytes[position % bytes.length] = garbage;
        EmbeddedChannel channel = decoderChannel();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        } catch (DecoderException expected) {
            return; // answered with -ERR Protocol error by RespHandler
        }
        for (Request request : RespTestSupport.drain(channel)) {
            assertThat(request.args() != null || request.error() != null).isTrue();
        }
    }

    private static List<String> words(Request request) {
        return Arrays.stream(request.args()).map(arg -> new String(arg, StandardCharsets.UTF_8)).toList();
    }
}
