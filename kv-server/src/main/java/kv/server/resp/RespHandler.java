package kv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kv.server.InvariantViolation;
import kv.server.Limits;
import kv.server.command.Command;
import kv.server.command.CommandCheck;
import kv.server.command.CommandFlag;
import kv.server.command.CommandType;
import kv.server.command.Keyspaces;
import kv.server.command.Reply;
import kv.server.command.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests execute strictly in arrival order: connection commands on the
 * event loop, reads through the read path, writes through the log. Consecutive reads (or
 * writes) of a pipeline travel together as one batch; the next batch starts only when the
 * previous one is answered, so a pipelined GET always sees the SET before it.
 */
final class RespHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RespHandler.class);

    private final RespContext context;
    private final ConnectionCommands connectionCommands;
    private final ArrayDeque<Request> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ClientSession session;
    /** A batch is out at the log or the read path; nothing else runs until it is answered. */
    private boolean busy;
    private boolean closing;

    RespHandler(RespContext context) {
        this.context = context;
        this.connectionCommands = new ConnectionCommands(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        session = new ClientSession(context.clients().nextId(),
                String.valueOf(ctx.channel().remoteAddress()).replace("/", ""),
                System.currentTimeMillis());
        context.clients().add(session);
        context.metrics().onConnectionOpened();
        if (context.clients().count() > context.connectionsMax()) {
            context.metrics().onRejected("connections_count_max");
            closing = true;
            writeAndClose(Reply.error("ERR max number of clients reached ("
                    + context.connectionsMax() + "); retry later or raise client.connections-max"));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.clients().remove(session);
        context.metrics().onConnectionClosed();
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) return;
        pending.add((Request) msg);
        drain(false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drain(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof InvariantViolation || cause instanceof Error) {
            LOG.error("fatal error on a client connection; halting the node", cause);
            Runtime.getRuntime().halt(70);
        }
        if (cause instanceof DecoderException) {
            context.metrics().onRejected("protocol");
            String message = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
            writeAndClose(Reply.error("ERR Protocol error: " + message));
        } else {
            LOG.debug("closing client {}: {}", session == null ? "?" : session.address, cause.toString());
            ctx.close();
        }
        closing = true;
    }

    /** Runs queued requests until one goes asynchronous, the queue is empty, or output backs up. */
    private void drain(boolean flush) {
        while (!busy && !closing && ctx.channel().isWritable() && !pending.isEmpty()) {
            dispatch(pending.poll());
        }
        // Stop reading while requests back up or the client does not read its replies.
        boolean readMore = !closing && ctx.channel().isWritable()
                && pending.size() < Limits.CONNECTION_PENDING_COMMANDS_COUNT_MAX;
        if (ctx.channel().config().isAutoRead() != readMore) {
            ctx.channel().config().setAutoRead(readMore);
        }
        if (flush) ctx.flush();
    }

    private void dispatch(Request request) {
        if (request.args() == null) {
            context.metrics().onRejected(request.close() ? "protocol" : "request_size");
            if (request.close()) {
                closing = true;
                writeAndClose(Reply.error(request.error()));
            } else {
                write(Reply.error(request.error()));
                if (session.inMulti) session.multiFailed = true;
            }
            return;
        }
        byte[][] args = request.args();
        CommandType type = CommandType.lookup(args[0]);
        Reply invalid = type == null ? CommandCheck.unknownCommand(args) : CommandCheck.check(type, args);
        if (invalid != null) {
            if (((Reply.Error) invalid).text().startsWith("LIMIT")) context.metrics().onRejected("key_size");
            if (session.inMulti) session.multiFailed = true;
            write(invalid);
            return;
        }
        session.lastCommand = type.wireName;
        if (type == CommandType.SESSION && !session.inMulti) {
            exactlyOnce(args);
            return;
        }
        if (session.inMulti && type.flag != CommandFlag.TRANSACTION) {
            queueInTransaction(type, args, request.sizeBytes());
            return;
        }
        switch (type.flag) {
            case CONNECTION -> {
                long start = System.nanoTime();
                Reply reply = connectionCommands.execute(session, type, args);
                context.metrics().onCommand(type, System.nanoTime() - start, reply.isError());
                if (type == CommandType.QUIT) {
                    closing = true;
                    writeAndClose(reply);
                } else {
                    write(reply);
                }
            }
            case TRANSACTION -> transaction(type, args);
            case READ -> {
                if (inEventualKeyspace()) startEventual(type, args);
                else startReads(type, args);
            }
            case WRITE -> {
                if (inEventualKeyspace()) startEventual(type, args);
                else startWrites(type, args);
            }
        }
    }

    /** Takes further pipelined requests of the same flag into the current batch. */
    private void collectBatch(CommandFlag flag, List<Command> commands, List<CommandType> types) {
        while (commands.size() < Limits.BATCH_COMMANDS_COUNT_MAX && !pending.isEmpty()) {
            Request next = pending.peek();
            if (next.args() == null) return;
            CommandType type = CommandType.lookup(next.args()[0]);
            if (type == null || type.flag != flag || CommandCheck.check(type, next.args()) != null) {
                return;
            }
            pending.poll();
            commands.add(Command.of(type, session.keyspaceIndex, next.args()));
            types.add(type);
        }
    }

    private void startReads(CommandType type, byte[][] args) {
        Command first = Command.of(type, session.keyspaceIndex, args);
        long start = System.nanoTime();
        if (wroteAtOnce(type, context.reads().tryReadNow(first), start)) return;
        List<Command> commands = new ArrayList<>();
        List<CommandType> types = new ArrayList<>();
        commands.add(first);
        types.add(type);
        collectBatch(CommandFlag.READ, commands, types);
        busy = true;
        context.reads().read(commands,
                replies -> ctx.executor().execute(() -> finishBatch(types, replies, start)));
    }

    private void startWrites(CommandType type, byte[][] args) {
        List<Command> commands = new ArrayList<>();
        List<CommandType> types = new ArrayList<>();
        commands.add(Command.of(type, session.keyspaceIndex, args));
        types.add(type);
        collectBatch(CommandFlag.WRITE, commands, types);
        proposeAll(commands, types);
    }

    private boolean inEventualKeyspace() {
        return context.keyspaces().byIndex(session.keyspaceIndex).mode() == Keyspaces.Mode.EVENTUAL;
    }

    /**
     * An eventual keyspace: reads and writes of the pipeline go together, in order, to the LWW
     * replica at the connection's level (CONSISTENCY) or the keyspace's default.
     */
    private void startEventual(CommandType type, byte[][] args) {
        Keyspaces.Keyspace keyspace = context.keyspaces().byIndex(session.keyspaceIndex);
        Command first = Command.of(type, session.keyspaceIndex, args);
        if (type.flag == CommandFlag.READ && levelFor(keyspace, false) == kv.server.eventual.Level.ONE) {
            long start = System.nanoTime();
            if (wroteAtOnce(type, context.eventual().tryReadNow(first), start)) return;
        }
        List<Command> commands = new ArrayList<>();
        List<CommandType> types = new ArrayList<>();
        commands.add(first);
        types.add(type);
        while (commands.size() < Limits.BATCH_COMMANDS_COUNT_MAX && !pending.isEmpty()) {
            Request next = pending.peek();
            if (next.args() == null) break;
            CommandType nextType = CommandType.lookup(next.args()[0]);
            if (nextType == null || (nextType.flag != CommandFlag.READ && nextType.flag != CommandFlag.WRITE)
                    || CommandCheck.check(nextType, next.args()) != null) {
                break;
            }
            pending.poll();
            commands.add(Command.of(nextType, session.keyspaceIndex, next.args()));
            types.add(nextType);
        }
        submitAll(commands, types, (command, callback) -> context.eventual().execute(command,
                levelFor(keyspace, command.type().isWrite()), callback));
    }

    /**
     * Writes a reply answered from memory on this event loop (no hand-off, so the pipeline's
     * order is kept) and records its latency; false if there was none.
     */
    private boolean wroteAtOnce(CommandType type, Reply now, long startNanos) {
        if (now == null) return false;
        context.metrics().onCommand(type, System.nanoTime() - startNanos, now.isError());
        write(now);
        return true;
    }

    private kv.server.eventual.Level levelFor(Keyspaces.Keyspace keyspace, boolean write) {
        if (session.level != null) return session.level;
        return kv.server.eventual.Level.parse(write ? keyspace.writeLevel() : keyspace.readLevel());
    }

    /** Where a batch goes: the log (strong writes) or the eventual replica. */
    private interface Submitter {
        void submit(Command command, kv.server.log.ReplicatedLog.Callback callback);
    }

    /** Proposes in order; the log applies in order, and the replies come back together. */
    private void proposeAll(List<Command> commands, List<CommandType> types) {
        submitAll(commands, types, context.log()::propose);
    }

    private void submitAll(List<Command> commands, List<CommandType> types, Submitter submitter) {
        long start = System.nanoTime();
        busy = true;
        Reply[] replies = new Reply[commands.size()];
        AtomicInteger remaining = new AtomicInteger(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            int index = i;
            submitter.submit(commands.get(i), reply -> {
                replies[index] = reply;
                if (remaining.decrementAndGet() == 0) {
                    ctx.executor().execute(() -> finishBatch(types, List.of(replies), start));
                }
            });
        }
    }

    private void finishBatch(List<CommandType> types, List<Reply> replies, long start) {
        long latency = System.nanoTime() - start;
        for (int i = 0; i < replies.size(); i++) {
            Reply reply = replies.get(i);
            context.metrics().onCommand(types.get(i), latency, reply.isError());
            write(reply);
        }
        busy = false;
        drain(true);
    }

    /**
     * SESSION clientId sequence command [args...]: the command runs once however often it is
     * retried with the same (clientId, sequence), on any node (kv-client's exactly-once retries).
     */
    private void exactlyOnce(byte[][] args) {
        Long clientId = kv.server.statemachine.Args.parseLong(args[1]);
        Long sequence = kv.server.statemachine.Args.parseLong(args[2]);
        if (clientId == null || clientId <= 0 || sequence == null || sequence <= 0) {
            write(Reply.error("ERR SESSION needs a positive client id and a positive sequence"));
            return;
        }
        byte[][] inner = java.util.Arrays.copyOfRange(args, 3, args.length);
        CommandType type = CommandType.lookup(inner[0]);
        Reply invalid = type == null ? CommandCheck.unknownCommand(inner) : CommandCheck.check(type, inner);
        if (invalid == null && type.flag != CommandFlag.WRITE && type.flag != CommandFlag.READ) {
            invalid = Reply.error("ERR SESSION wraps data commands only, not " + type.name());
        }
        if (invalid != null) {
            write(invalid);
            return;
        }
        if (type.flag == CommandFlag.READ) { // reads are idempotent: no session needed
            startReads(type, inner);
            return;
        }
        if (inEventualKeyspace()) {
            write(Reply.error("ERR SESSION (exactly once) needs a strong keyspace; eventual"
                    + " keyspaces resolve retries by last-writer-wins"));
            return;
        }
        List<Command> commands = new ArrayList<>();
        List<CommandType> types = new ArrayList<>();
        commands.add(new Command(type, session.keyspaceIndex, inner, clientId, sequence));
        types.add(type);
        collectSessionWrites(commands, types);
        proposeAll(commands, types);
    }

    /**
     * Pipelined SESSION writes travel in one batch like plain writes: the log keeps their order,
     * so a client with many sessions in flight on one connection is not held to one fsync each.
     */
    private void collectSessionWrites(List<Command> commands, List<CommandType> types) {
        while (commands.size() < Limits.BATCH_COMMANDS_COUNT_MAX && !pending.isEmpty()) {
            byte[][] args = pending.peek().args();
            if (args == null || CommandType.lookup(args[0]) != CommandType.SESSION
                    || CommandCheck.check(CommandType.SESSION, args) != null) {
                return;
            }
            Long clientId = kv.server.statemachine.Args.parseLong(args[1]);
            Long sequence = kv.server.statemachine.Args.parseLong(args[2]);
            byte[][] inner = java.util.Arrays.copyOfRange(args, 3, args.length);
            CommandType type = CommandType.lookup(inner[0]);
            if (clientId == null || clientId <= 0 || sequence == null || sequence <= 0 || type == null
                    || type.flag != CommandFlag.WRITE || CommandCheck.check(type, inner) != null) {
                return; // answered on its own, with its error, in order
            }
            pending.poll();
            commands.add(new Command(type, session.keyspaceIndex, inner, clientId, sequence));
            types.add(type);
        }
    }

    private void queueInTransaction(CommandType type, byte[][] args, int sizeBytes) {
        if (type.flag == CommandFlag.CONNECTION) {
            session.multiFailed = true;
            write(Reply.error("ERR " + type.name() + " inside MULTI is not supported; send it"
                    + " before MULTI or after EXEC"));
            return;
        }
        int queuedBytes = sizeBytes;
        for (Command command : session.queued) queuedBytes += command.sizeBytes();
        if (session.queued.size() >= Limits.TRANSACTION_COMMANDS_COUNT_MAX
                || queuedBytes > Limits.REQUEST_SIZE_BYTES_MAX) {
            session.multiFailed = true;
            context.metrics().onRejected("transaction_size");
            write(Reply.error("LIMIT a transaction may queue at most "
                    + Limits.TRANSACTION_COMMANDS_COUNT_MAX + " commands and "
                    + Limits.REQUEST_SIZE_BYTES_MAX + " bytes; EXEC will abort"));
            return;
        }
        session.queued.add(Command.of(type, session.keyspaceIndex, args));
        write(Reply.QUEUED);
    }

    private void transaction(CommandType type, byte[][] args) {
        if (inEventualKeyspace() && (type == CommandType.MULTI || type == CommandType.WATCH)) {
            write(Reply.error("ERR " + type.name() + " is not available in eventual keyspace '"
                    + context.keyspaces().byIndex(session.keyspaceIndex).name()
                    + "': last-writer-wins has no transactions; use a strong keyspace"));
            return;
        }
        switch (type) {
            case MULTI -> {
                if (session.inMulti) {
                    write(Reply.error("ERR MULTI calls can not be nested"));
                    return;
                }
                session.inMulti = true;
                write(Reply.OK);
            }
            case DISCARD -> {
                if (!session.inMulti) {
                    write(Reply.error("ERR DISCARD without MULTI"));
                    return;
                }
                session.resetTransaction();
                write(Reply.OK);
            }
            case WATCH -> watch(args);
            case UNWATCH -> {
                session.watches.clear();
                session.watchKeyspaceIndex = -1;
                write(Reply.OK);
            }
            case EXEC -> exec();
            default -> throw kv.server.Assert.unreachable("not a transaction command: " + type);
        }
    }

    private void watch(byte[][] args) {
        if (session.inMulti) {
            write(Reply.error("ERR WATCH inside MULTI is not allowed"));
            return;
        }
        if (session.watchKeyspaceIndex >= 0 && session.watchKeyspaceIndex != session.keyspaceIndex) {
            write(Reply.error("ERR WATCH in two keyspaces is not supported; UNWATCH first"));
            return;
        }
        if (session.watches.size() + args.length - 1 > Limits.WATCHED_KEYS_COUNT_MAX) {
            context.metrics().onRejected("watched_keys_count_max");
            write(Reply.error("LIMIT at most " + Limits.WATCHED_KEYS_COUNT_MAX
                    + " keys may be watched per connection"));
            return;
        }
        // Every write this client saw is at or below the applied slot; later writes abort EXEC.
        long position = context.log().appliedSlot();
        for (int i = 1; i < args.length; i++) session.watches.add(new Transaction.Watch(args[i], position));
        session.watchKeyspaceIndex = session.keyspaceIndex;
        write(Reply.OK);
    }

    private void exec() {
        if (!session.inMulti) {
            write(Reply.error("ERR EXEC without MULTI"));
            return;
        }
        if (session.multiFailed) {
            session.resetTransaction();
            write(Reply.error("EXECABORT Transaction discarded because of previous errors."));
            return;
        }
        if (session.watchKeyspaceIndex >= 0 && session.watchKeyspaceIndex != session.keyspaceIndex) {
            session.resetTransaction();
            write(Reply.error("ERR EXEC in another keyspace than its WATCH is not supported"));
            return;
        }
        if (inEventualKeyspace()) { // SELECT of an eventual keyspace after MULTI
            session.resetTransaction();
            write(Reply.error("EXECABORT transactions are not available in eventual keyspaces"));
            return;
        }
        Command command = new Transaction(List.copyOf(session.watches), List.copyOf(session.queued))
                .toCommand(session.keyspaceIndex, 0, 0);
        session.resetTransaction();
        proposeAll(List.of(command), List.of(CommandType.EXEC));
    }

    private void write(Reply reply) {
        ByteBuf out = ctx.alloc().ioBuffer(64);
        RespWriter.write(reply, out);
        context.metrics().onBytesOut(out.readableBytes());
        ctx.write(out, ctx.voidPromise());
    }

    private void writeAndClose(Reply reply) {
        ByteBuf out = ctx.alloc().ioBuffer(64);
        RespWriter.write(reply, out);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
}
