package kv.server.statemachine;

import java.util.ArrayList;
import java.util.List;
import kv.server.Assert;
import kv.server.command.Command;
import kv.server.command.CommandType;
import kv.server.command.Reply;
import kv.server.command.Transaction;

/**
 * The deterministic Redis state machine. Given the same state and the same chosen commands, every
 * replica computes the same replies and the same writes: no clock, no randomness, no I/O. The
 * caller persists {@link Applied#writes()} atomically with the applied slot.
 */
public final class KvStateMachine {

    /** Replies in command order, and the writes of the whole batch. */
    public record Applied(List<Reply> replies, StateWrites writes) {}

    private static final Reply EXEC_ABORTED = Reply.NIL_ARRAY;

    /** Applies the commands chosen in {@code slot}, in order, over {@code state}. */
    public Applied apply(long slot, List<Command> commands, StateReader state) {
        StateOverlay overlay = new StateOverlay(state);
        SessionRecords sessions = new SessionRecords(overlay);
        sessions.expire(slot);
        List<Reply> replies = new ArrayList<>(commands.size());
        for (Command command : commands) {
            if (command.hasSession()) {
                replies.add(applyInSession(slot, command, overlay, sessions));
                continue;
            }
            // Reads travel through the log too when no local read is safe (cluster without
            // leases): ordered among the writes, they are linearizable.
            Assert.that(command.type().flag != kv.server.command.CommandFlag.CONNECTION,
                    "connection command %s in the log", command.type());
            if (command.type() == CommandType.EXEC) {
                replies.add(applyTransaction(slot, command, overlay));
            } else {
                KeyspaceView view = new KeyspaceView(overlay, overlay, command.keyspaceIndex(), slot);
                replies.add(execute(command.type(), command.args(), view));
            }
        }
        return new Applied(replies, overlay.writes());
    }

    /**
     * Exactly once: a command of a client session is applied only if its sequence is new; a
     * retry of the last one is answered with the first result (Raft thesis section 6.3).
     */
    private Reply applyInSession(long slot, Command command, StateOverlay overlay, SessionRecords sessions) {
        return switch (sessions.check(command.clientId(), command.sequence())) {
            case NEW -> {
                Reply reply = command.type() == CommandType.EXEC
                        ? applyTransaction(slot, command, overlay)
                        : execute(command.type(), command.args(),
                                new KeyspaceView(overlay, overlay, command.keyspaceIndex(), slot));
                sessions.record(command.clientId(), command.sequence(), reply, slot);
                yield reply;
            }
            case DUPLICATE -> sessions.firstResult(command.clientId());
            case STALE -> Reply.error("ERR stale sequence " + command.sequence() + " for client "
                    + command.clientId() + ": a later command of this session was applied; retry only"
                    + " the last unanswered command");
            case EXPIRED -> Reply.error("SESSIONEXPIRED client " + command.clientId()
                    + " has no live session (expired or evicted); the command was not applied;"
                    + " start a new session with sequence 1");
        };
    }

    /** Serves a read-only command from {@code state}. */
    public Reply read(Command command, StateReader state) {
        Assert.that(command.type().flag == kv.server.command.CommandFlag.READ,
                "read path got %s", command.type());
        return execute(command.type(), command.args(),
                new KeyspaceView(state, null, command.keyspaceIndex(), 0));
    }

    /**
     * A transaction aborts (nil array) if a watched key changed after it was watched: a present
     * key's version is newer, or an absent key's keyspace saw a delete since (so a key created
     * and deleted again in between is caught too, conservatively).
     */
    private Reply applyTransaction(long slot, Command command, StateOverlay overlay) {
        Transaction transaction = Transaction.fromCommand(command);
        KeyspaceView watchView = new KeyspaceView(overlay, overlay, command.keyspaceIndex(), slot);
        for (Transaction.Watch watch : transaction.watches()) {
            KeyspaceView.Meta meta = watchView.meta(watch.key());
            long changedAt = meta != null ? meta.version() : watchView.lastDeletePosition();
            if (changedAt > watch.position()) return EXEC_ABORTED;
        }
        List<Reply> replies = new ArrayList<>(transaction.commands().size());
        for (Command queued : transaction.commands()) {
            KeyspaceView view = new KeyspaceView(overlay, overlay, queued.keyspaceIndex(), slot);
            replies.add(execute(queued.type(), queued.args(), view));
        }
        return Reply.array(replies);
    }

    static Reply execute(CommandType type, byte[][] args, KeyspaceView view) {
        return switch (type) {
            case GET -> StringCommands.get(view, args);
            case SET -> StringCommands.set(view, args);
            case SETNX -> StringCommands.setnx(view, args);
            case GETSET -> StringCommands.getset(view, args);
            case GETDEL -> StringCommands.getdel(view, args);
            case MGET -> StringCommands.mget(view, args);
            case MSET -> StringCommands.mset(view, args);
            case MSETNX -> StringCommands.msetnx(view, args);
            case INCR, INCRBY -> StringCommands.incrementBy(view, args, 1);
            case DECR, DECRBY -> StringCommands.incrementBy(view, args, -1);
            case APPEND -> StringCommands.append(view, args);
            case STRLEN -> StringCommands.strlen(view, args);
            case GETRANGE -> StringCommands.getrange(view, args);
            case DEL, UNLINK -> KeyCommands.delete(view, args);
            case EXISTS -> KeyCommands.exists(view, args);
            case TYPE -> KeyCommands.type(view, args);
            case DBSIZE -> KeyCommands.dbsize(view);
            case KEYS -> KeyCommands.keys(view, args);
            case SCAN -> KeyCommands.scan(view, args);
            case FLUSHDB -> KeyCommands.flushdb(view, args);
            case HSET -> HashCommands.hset(view, args, false);
            case HMSET -> HashCommands.hset(view, args, true);
            case HSETNX -> HashCommands.hsetnx(view, args);
            case HGET -> HashCommands.hget(view, args);
            case HMGET -> HashCommands.hmget(view, args);
            case HDEL -> HashCommands.hdel(view, args);
            case HLEN -> HashCommands.hlen(view, args);
            case HEXISTS -> HashCommands.hexists(view, args);
            case HSTRLEN -> HashCommands.hstrlen(view, args);
            case HINCRBY -> HashCommands.hincrby(view, args);
            case HGETALL -> HashCommands.list(view, args, true, true);
            case HKEYS -> HashCommands.list(view, args, true, false);
            case HVALS -> HashCommands.list(view, args, false, true);
            case ZADD -> SortedSetCommands.zadd(view, args);
            case ZINCRBY -> SortedSetCommands.zincrby(view, args);
            case ZREM -> SortedSetCommands.zrem(view, args);
            case ZSCORE -> SortedSetCommands.zscore(view, args);
            case ZCARD -> SortedSetCommands.zcard(view, args);
            case ZRANGE -> SortedSetCommands.zrange(view, args);
            case ZRANGEBYSCORE -> SortedSetCommands.zrangeByScore(view, args);
            case ZRANK -> SortedSetCommands.zrank(view, args);
            case PING, ECHO, QUIT, SELECT, HELLO, CLIENT, COMMAND, CONFIG, INFO, AUTH, SESSION, SYNOD,
                 CONSISTENCY,
                 MULTI, EXEC,
                 DISCARD, WATCH, UNWATCH -> throw Assert.unreachable(
                    "connection command " + type + " reached the state machine");
        };
    }
}
