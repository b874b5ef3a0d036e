package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kv.server.Limits;

/**
 * Decodes client requests (RESP2 multibulk and inline commands) straight into argument arrays,
 * in one pass over the bytes, enforcing every request limit while streaming: an argument over
 * {@link Limits#VALUE_SIZE_BYTES_MAX} or a request over {@link Limits#REQUEST_SIZE_BYTES_MAX} is
 * skipped as it arrives (memory stays bounded) and answered -LIMIT with the connection in sync;
 * a single bulk declared beyond the request limit, and every framing error, produce a fatal
 * request that closes the connection after its reply.
 *
 * <p>Replaces netty codec-redis + our aggregator on the hot path: RespBenchmark measured this
 * decoder against that pipeline (kv-bench/RESULTS.md, "RESP decoder"). Inline commands may end
 * with LF or CRLF, as in Redis. Only whole header lines are buffered, each bounded.
 */
final class RespRequestDecoder extends ByteToMessageDecoder {
    /** Longest "*count" or "$length" line we wait for before calling it garbage. */
    private static final int HEADER_LINE_BYTES_MAX = 32;
    private static final byte[] DISCARDED = new byte[0];

    private final RespMetrics metrics;
    private byte[][] args;
    private int argsDone;
    private int requestBytes;
    /** Payload bytes (plus CRLF) still to read or skip for the current bulk; -1: expect a header. */
    private long bulkRemaining = -1;
    private boolean discarding;
    private String rejection;
    private boolean failed;

    RespRequestDecoder(RespMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) metrics.onBytesIn(buf.readableBytes());
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int before = in.readableBytes();
            Request request = args == null ? startRequest(in) : continueRequest(in);
            if (request != null) out.add(request);
            if (in.readableBytes() == before && request == null) return; // need more bytes
        }
        if (failed) in.skipBytes(in.readableBytes());
    }

    /** At a request boundary: a multibulk header or an inline command line. */
    private Request startRequest(ByteBuf in) {
        byte type = in.getByte(in.readerIndex());
        if (type == '*') return multibulkHeader(in);
        if (type == '$' || type == '+' || type == '-' || type == ':') {
            return fail("expected '*' or an inline command, got '" + (char) type + "'");
        }
        return inline(in);
    }

    private Request multibulkHeader(ByteBuf in) {
        int lineEnd = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), HEADER_LINE_BYTES_MAX),
                ByteProcessor.FIND_LF);
        if (lineEnd < 0) {
            return in.readableBytes() >= HEADER_LINE_BYTES_MAX ? fail("invalid multibulk length") : null;
        }
        long count = parseNumber(in, in.readerIndex() + 1, lineEnd);
        in.readerIndex(lineEnd + 1);
        if (count == Long.MIN_VALUE) return fail("invalid multibulk length");
        if (count <= 0) return null; // "*0" and "*-1" are ignored, as Redis does
        if (count > Limits.COMMAND_ARGS_COUNT_MAX) {
            return fail("invalid multibulk length " + count + " (max " + Limits.COMMAND_ARGS_COUNT_MAX
                    + " arguments)");
        }
        args = new byte[(int) count][];
        argsDone = 0;
        requestBytes = 0;
        rejection = null;
        bulkRemaining = -1;
        return null;
    }

    private Request continueRequest(ByteBuf in) {
        if (bulkRemaining < 0) return bulkHeader(in);
        if (discarding) {
            int skip = (int) Math.min(bulkRemaining, in.readableBytes());
            in.skipBytes(skip);
            bulkRemaining -= skip;
            return bulkRemaining == 0 ? addArg(DISCARDED) : null;
        }
        if (in.readableBytes() < bulkRemaining) return null; // the payload is still arriving
        int length = (int) bulkRemaining - 2;
        byte[] value = new byte[length];
        in.readBytes(value);
        if (in.readByte() != '\r' || in.readByte() != '\n') {
            return fail("bulk string not followed by CRLF");
        }
        return addArg(value);
    }

    private Request bulkHeader(ByteBuf in) {
        byte type = in.getByte(in.readerIndex());
        if (type != '$') return fail("expected '$', got '" + printable(type) + "'");
        int lineEnd = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), HEADER_LINE_BYTES_MAX),
                ByteProcessor.FIND_LF);
        if (lineEnd < 0) {
            return in.readableBytes() >= HEADER_LINE_BYTES_MAX ? fail("invalid bulk length") : null;
        }
        long length = parseNumber(in, in.readerIndex() + 1, lineEnd);
        in.readerIndex(lineEnd + 1);
        if (length < 0) return fail("invalid bulk length");
        if (length > Limits.REQUEST_SIZE_BYTES_MAX) {
            // Skipping it would hold the connection for as long as the client cares to send.
            return fail("invalid bulk length " + length + " (max " + Limits.REQUEST_SIZE_BYTES_MAX + " bytes)");
        }
        requestBytes = (int) Math.min(Integer.MAX_VALUE, requestBytes + length);
        if (length > Limits.VALUE_SIZE_BYTES_MAX) {
            reject("LIMIT argument size " + length + " bytes exceeds max " + Limits.VALUE_SIZE_BYTES_MAX
                    + " bytes");
        } else if (requestBytes > Limits.REQUEST_SIZE_BYTES_MAX) {
            reject("LIMIT request size exceeds max " + Limits.REQUEST_SIZE_BYTES_MAX
                    + " bytes; split it into several commands");
        }
        discarding = rejection != null;
        bulkRemaining = length + 2;
        return null;
    }

    private Request addArg(byte[] value) {
        args[argsDone++] = value;
        bulkRemaining = -1;
        discarding = false;
        if (argsDone < args.length) return null;
        Request request = rejection == null ? Request.command(args, requestBytes) : Request.rejected(rejection);
        args = null;
        return request;
    }

    private void reject(String error) {
        if (rejection == null) rejection = error;
    }

    private Request inline(ByteBuf in) {
        int searched = Math.min(in.readableBytes(), Limits.INLINE_LINE_SIZE_BYTES_MAX + 2);
        int lineEnd = in.forEachByte(in.readerIndex(), searched, ByteProcessor.FIND_LF);
        if (lineEnd < 0) {
            return in.readableBytes() > Limits.INLINE_LINE_SIZE_BYTES_MAX ? fail("too big inline request") : null;
        }
        int end = lineEnd > in.readerIndex() && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
        in.readerIndex(lineEnd + 1);
        byte[][] parsed = InlineParser.split(line);
        if (parsed == null) return fail("unbalanced quotes in request");
        return parsed.length == 0 ? null : Request.command(parsed, line.length());
    }

    /** A decimal between from (inclusive) and the LF at lineEnd, CR allowed; MIN_VALUE if junk. */
    private static long parseNumber(ByteBuf in, int from, int lineEnd) {
        int end = lineEnd > from && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        if (end <= from) return Long.MIN_VALUE;
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == end) return Long.MIN_VALUE;
        long value = 0;
        for (; i < end; i++) {
            int digit = in.getByte(i) - '0';
            if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - 9) / 10) return Long.MIN_VALUE;
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private Request fail(String problem) {
        failed = true;
        args = null;
        return Request.fatal("ERR Protocol error: " + problem);
    }

    private static char printable(byte b) {
        return b >= 0x20 && b < 0x7f ? (char) b : '?';
    }
}
