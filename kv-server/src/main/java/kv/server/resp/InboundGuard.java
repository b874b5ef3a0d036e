package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import kv.server.Limits;
import kv.server.command.Reply;

/**
 * Sits before the RESP decoder and follows the framing just enough to do two things codec-redis
 * does not: (1) accept inline commands ended by a bare LF, as Redis does for nc and telnet (the
 * missing CR is added); (2) bound how much a client can make the decoder buffer: it streams bulk
 * payloads but buffers a header or inline line until its newline, so a line longer than
 * {@link Limits#REQUEST_SIZE_BYTES_MAX} closes the connection. Bulk payloads are skipped by
 * arithmetic, so the cost per request is a few header bytes. Also counts inbound bytes.
 */
final class InboundGuard extends ChannelInboundHandlerAdapter {
    private enum Mode { BOUNDARY, INLINE, ARRAY_HEADER, BULK_HEADER, BULK_BODY, PASSTHROUGH }

    private final RespMetrics metrics;
    private Mode mode = Mode.BOUNDARY;
    private long lineBytes;
    private long headerNumber;
    private boolean headerNegative;
    private boolean headerValid;
    private long elementsRemaining;
    private long bulkRemaining;
    private boolean previousWasCr;

    InboundGuard(RespMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        metrics.onBytesIn(in.readableBytes());
        if (mode == Mode.PASSTHROUGH) {
            ctx.fireChannelRead(in);
            return;
        }
        int[] crInsertions = null;
        int insertions = 0;
        int end = in.writerIndex();
        for (int i = in.readerIndex(); i < end; i++) {
            if (mode == Mode.BULK_BODY) { // skip the payload and its CRLF without looking
                long skip = Math.min(bulkRemaining, end - i);
                bulkRemaining -= skip;
                i += (int) skip - 1;
                if (bulkRemaining == 0) endOfElement();
                previousWasCr = false;
                continue;
            }
            byte b = in.getByte(i);
            if (b == '\n' && mode == Mode.INLINE && !previousWasCr) {
                if (crInsertions == null) crInsertions = new int[16];
                if (insertions == crInsertions.length) crInsertions = java.util.Arrays.copyOf(crInsertions, insertions * 2);
                crInsertions[insertions++] = i;
            }
            step(b);
            previousWasCr = b == '\r';
            if (mode == Mode.PASSTHROUGH) break;
            if (lineBytes > Limits.REQUEST_SIZE_BYTES_MAX) {
                ReferenceCountUtil.release(in);
                rejectEndlessLine(ctx);
                return;
            }
        }
        ctx.fireChannelRead(insertions == 0 ? in : withCarriageReturns(ctx, in, crInsertions, insertions));
    }

    /** Advances the framing state by one header or line byte. */
    private void step(byte b) {
        switch (mode) {
            case BOUNDARY -> {
                if (b == '*') {
                    startHeader(Mode.ARRAY_HEADER);
                } else if (b == '+' || b == '-' || b == ':' || b == '$') {
                    mode = Mode.PASSTHROUGH; // not a request: the decoder reports the error
                } else if (b != '\n' && b != '\r') {
                    mode = Mode.INLINE;
                    lineBytes = 1;
                }
            }
            case INLINE -> {
                lineBytes++;
                if (b == '\n') mode = Mode.BOUNDARY;
            }
            case ARRAY_HEADER, BULK_HEADER -> header(b);
            case BULK_BODY, PASSTHROUGH -> throw kv.server.Assert.unreachable("handled by the caller");
        }
    }

    private void startHeader(Mode headerMode) {
        mode = headerMode;
        lineBytes = 1;
        headerNumber = 0;
        headerNegative = false;
        headerValid = true;
    }

    private void header(byte b) {
        lineBytes++;
        if (b >= '0' && b <= '9') {
            headerNumber = Math.min(headerNumber * 10 + (b - '0'), Long.MAX_VALUE / 16);
        } else if (b == '$' && mode == Mode.BULK_HEADER && lineBytes == 1) {
            return; // a bulk header's type byte, not part of its length
        } else if (b == '-' && lineBytes == 2) {
            headerNegative = true;
        } else if (b == '\n') {
            endOfHeader();
        } else if (b != '\r') {
            headerValid = false;
        }
    }

    private void endOfHeader() {
        if (!headerValid) {
            mode = Mode.PASSTHROUGH; // the decoder rejects it and the connection closes
        } else if (mode == Mode.ARRAY_HEADER) {
            elementsRemaining = headerNegative ? 0 : headerNumber;
            mode = elementsRemaining > 0 ? Mode.BULK_HEADER : Mode.BOUNDARY;
            if (mode == Mode.BULK_HEADER) expectBulkHeader();
        } else if (headerNegative) {
            mode = Mode.PASSTHROUGH; // $-1 inside a request: a protocol error downstream
        } else {
            bulkRemaining = headerNumber + 2;
            mode = Mode.BULK_BODY;
        }
    }

    /** The next element must be a bulk string; anything else is left to the decoder to reject. */
    private void expectBulkHeader() {
        mode = Mode.BULK_HEADER;
        lineBytes = 0;
        headerNumber = 0;
        headerNegative = false;
        headerValid = true;
    }

    private void endOfElement() {
        elementsRemaining--;
        if (elementsRemaining > 0) {
            expectBulkHeader();
        } else {
            mode = Mode.BOUNDARY;
        }
    }

    private ByteBuf withCarriageReturns(ChannelHandlerContext ctx, ByteBuf in, int[] positions, int count) {
        ByteBuf out = ctx.alloc().buffer(in.readableBytes() + count);
        int from = in.readerIndex();
        for (int k = 0; k < count; k++) {
            out.writeBytes(in, from, positions[k] - from);
            out.writeByte('\r');
            from = positions[k];
        }
        out.writeBytes(in, from, in.writerIndex() - from);
        ReferenceCountUtil.release(in);
        return out;
    }

    private void rejectEndlessLine(ChannelHandlerContext ctx) {
        metrics.onRejected("request_size");
        ByteBuf out = ctx.alloc().buffer();
        RespWriter.write(Reply.error("ERR Protocol error: more than "
                + Limits.REQUEST_SIZE_BYTES_MAX + " bytes without a line end"), out);
        ctx.writeAndFlush(out).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        ctx.channel().config().setAutoRead(false);
        mode = Mode.PASSTHROUGH;
    }
}
