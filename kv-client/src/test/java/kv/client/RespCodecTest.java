package kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RESP2 framing: commands encode as arrays of bulk strings; replies decode byte by byte. */
class RespCodecTest {
    @Test
    void encodesCommandsAsArraysOfBulkStrings() {
        byte[][] args = {Resp.bytes("SET"), Resp.bytes("key"), new byte[0], Resp.bytes("0123456789")};
        ByteBuf out = Unpooled.buffer();
        Resp.encode(args, out);
        String wire = out.toString(StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n$10\r\n0123456789\r\n");
        assertThat(Resp.encodedSizeBytes(args)).isEqualTo(out.readableBytes());
        out.release();
    }

    @Test
    void decodesEveryReplyTypeFedOneByteAtATime() {
        String wire = "+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*0\r\n"
                + "*3\r\n$1\r\na\r\n$-1\r\n*2\r\n:1\r\n+x\r\n";
        List<Object> replies = decodeBytewise(wire);
        assertThat(replies).hasSize(8);
        assertThat(replies.get(0)).isEqualTo("OK");
        assertThat(replies.get(1)).isEqualTo(new RespError("ERR bad"));
        assertThat(replies.get(2)).isEqualTo(-42L);
        assertThat((byte[]) replies.get(3)).isEqualTo(Resp.bytes("hello"));
        assertThat(replies.get(4)).isSameAs(Resp.NIL);
        assertThat(replies.get(5)).isSameAs(Resp.NIL);
        assertThat(replies.get(6)).isEqualTo(List.of());
        List<?> nested = (List<?>) replies.get(7);
        assertThat((byte[]) nested.get(0)).isEqualTo(Resp.bytes("a"));
        assertThat(nested.get(1)).isNull();
        assertThat(nested.get(2)).isEqualTo(List.of(1L, "x"));
    }

    @Test
    void bulkStringsMayContainCrLf() {
        List<Object> replies = decodeBytewise("$4\r\n\r\n\r\n\r\n");
        assertThat((byte[]) replies.get(0)).isEqualTo(Resp.bytes("\r\n\r\n"));
    }

    @Test
    void rejectsMalformedReplies() {
        for (String bad : List.of("?x\r\n", ":12a\r\n", "$3\r\nabcXY", "+OK\rX", "$-5\r\n",
                ":99999999999999999999\r\n")) {
            EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder());
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(DecoderException.class)
                    .hasCauseInstanceOf(ProtocolException.class);
            finishQuietly(channel);
        }
    }

    @Test
    void nothingAfterAMalformedReplyIsDecoded() {
        // "?" is malformed and "+OK\r\n" after it would parse: the framing is lost at the "?",
        // so neither it, nor later bytes, nor the decode Netty runs at close may yield a reply.
        EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder());
        assertThatThrownBy(() -> channel.writeInbound(
                Unpooled.copiedBuffer("?+OK\r\n", StandardCharsets.UTF_8)))
                .hasCauseInstanceOf(ProtocolException.class);
        channel.writeInbound(Unpooled.copiedBuffer(":1\r\n", StandardCharsets.UTF_8));
        assertThat(channel.finish()).as("replies decoded after the malformed one").isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void rejectsOverlongLinesAndDeepNesting() {
        EmbeddedChannel lines = new EmbeddedChannel(new RespDecoder());
        String longLine = "+" + "x".repeat(ClientLimits.REPLY_LINE_SIZE_BYTES_MAX + 10);
        assertThatThrownBy(() -> lines.writeInbound(Unpooled.copiedBuffer(longLine, StandardCharsets.UTF_8)))
                .hasCauseInstanceOf(ProtocolException.class);
        finishQuietly(lines);
        EmbeddedChannel nesting = new EmbeddedChannel(new RespDecoder());
        String deep = "*1\r\n".repeat(ClientLimits.REPLY_NESTING_DEPTH_MAX + 1) + ":1\r\n";
        assertThatThrownBy(() -> nesting.writeInbound(Unpooled.copiedBuffer(deep, StandardCharsets.UTF_8)))
                .hasCauseInstanceOf(ProtocolException.class);
        finishQuietly(nesting);
    }

    @Test
    void errorCodesMapToTypedExceptions() {
        assertThat(new RespError("CLUSTERDOWN no quorum").toException()).isInstanceOf(NoQuorumException.class);
        assertThat(new RespError("TRYAGAIN election").toException()).isInstanceOf(TryAgainException.class);
        assertThat(new RespError("BUSY queue").toException()).isInstanceOf(BusyException.class);
        assertThat(new RespError("LIMIT value").toException()).isInstanceOf(LimitException.class);
        assertThat(new RespError("WRONGTYPE x").toException()).isInstanceOf(WrongTypeException.class);
        assertThat(new RespError("UNKNOWN x").toException()).isInstanceOf(UnknownOutcomeException.class);
        assertThat(new RespError("SESSIONEXPIRED x").toException()).isInstanceOf(SessionExpiredException.class);
        assertThat(new RespError("EXECABORT x").toException()).isInstanceOf(ExecAbortException.class);
        assertThat(new RespError("NOAUTH x").toException()).isInstanceOf(AuthException.class);
        KvException generic = new RespError("ERR unknown command").toException();
        assertThat(generic).isInstanceOf(ServerErrorException.class);
        assertThat(generic.code()).isEqualTo("ERR");
        assertThat(generic.getMessage()).isEqualTo("ERR unknown command");
    }

    @Test
    void membersLinesParse() {
        var via = new java.net.InetSocketAddress("127.0.0.1", 1);
        Member leader = Member.parse("id=2 host=127.0.0.1 port=7002 role=leader", via);
        assertThat(leader.id()).isEqualTo(2);
        assertThat(leader.address().getPort()).isEqualTo(7002);
        assertThat(leader.leader()).isTrue();
        Member wildcard = Member.parse("id=3 host=0.0.0.0 port=7003 role=follower extra=1", via);
        assertThat(wildcard.address().getHostString()).isEqualTo("127.0.0.1");
        assertThat(wildcard.leader()).isFalse();
        assertThatThrownBy(() -> Member.parse("id=x host=h port=1", via)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Member.parse("host=h port=1", via)).isInstanceOf(ProtocolException.class);
    }

    /** Closing decodes the leftover bytes again, which fails again: expected here. */
    private static void finishQuietly(EmbeddedChannel channel) {
        try {
            channel.finishAndReleaseAll();
        } catch (DecoderException expected) {
            // Same malformed input.
        }
    }

    private static List<Object> decodeBytewise(String wire) {
        EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder());
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        List<Object> replies = new ArrayList<>();
        Object reply;
        while ((reply = channel.readInbound()) != null) replies.add(reply);
        channel.finishAndReleaseAll();
        return replies;
    }
}
