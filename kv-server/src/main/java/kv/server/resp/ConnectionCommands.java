package kv.server.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kv.server.command.CommandType;
import kv.server.command.Keyspaces;
import kv.server.command.Reply;
import kv.server.statemachine.Args;
import kv.server.statemachine.GlobPattern;

/**
 * Commands answered by the node itself, without the log or the state: PING, ECHO, SELECT, HELLO,
 * CLIENT, COMMAND, CONFIG, INFO, AUTH. They are what clients send at connect time, so they
 * must match Redis closely (see REFERENCE.md, "what they send at connect time").
 */
final class ConnectionCommands {
    /** The Redis version we report: clients gate features on it (redis-cli reads INFO). */
    static final String REDIS_VERSION = "7.2.0";

    private final RespContext context;

    ConnectionCommands(RespContext context) {
        this.context = context;
    }

    Reply execute(ClientSession session, CommandType type, byte[][] args) {
        return switch (type) {
            case PING -> args.length == 1 ? Reply.PONG
                    : args.length == 2 ? Reply.bulk(args[1]) : arity(type);
            case ECHO -> Reply.bulk(args[1]);
            case QUIT -> Reply.OK;
            case SELECT -> select(session, text(args[1]));
            case HELLO -> hello(session, args);
            case CLIENT -> client(session, args);
            case COMMAND -> command(args);
            case CONFIG -> config(args);
            case INFO -> info(args);
            case AUTH -> auth(args);
            case SYNOD -> synod(args);
            case CONSISTENCY -> consistency(session, args);
            default -> throw kv.server.Assert.unreachable("not a connection command: " + type);
        };
    }

    private static Reply arity(CommandType type) {
        return Reply.error("ERR wrong number of arguments for '" + type.wireName + "' command");
    }

    private Reply select(ClientSession session, String indexOrName) {
        Keyspaces.Keyspace keyspace = context.keyspaces().find(indexOrName);
        if (keyspace == null) {
            return Reply.error("ERR DB index is out of range: no keyspace '" + indexOrName
                    + "' is declared in this node's config");
        }
        session.keyspaceIndex = keyspace.index();
        return Reply.OK;
    }

    /** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only, until RESP3 exists. */
    private Reply hello(ClientSession session, byte[][] args) {
        if (args.length >= 2) {
            Long version = Args.parseLong(args[1]);
            if (version == null) {
                return Reply.error("ERR Protocol version is not an integer or out of range");
            }
            if (version != 2) return Reply.error("NOPROTO unsupported protocol version");
        }
        for (int i = 2; i < args.length; i++) {
            if (Args.is(args[i], "AUTH") && i + 2 < args.length) {
                Reply denied = authenticate(args[i + 1], args[i + 2]);
                if (denied != null) return denied;
                i += 2;
            } else if (Args.is(args[i], "SETNAME") && i + 1 < args.length) {
                session.name = text(args[++i]);
            } else {
                return Reply.error("ERR Syntax error in HELLO option '" + text(args[i]) + "'");
            }
        }
        return Reply.array(List.of(
                Reply.bulk("server"), Reply.bulk("redis"),
                Reply.bulk("version"), Reply.bulk(REDIS_VERSION),
                Reply.bulk("proto"), Reply.integer(2),
                Reply.bulk("id"), Reply.integer(session.id),
                Reply.bulk("mode"), Reply.bulk("standalone"),
                Reply.bulk("role"), Reply.bulk("master"),
                Reply.bulk("modules"), Reply.EMPTY_ARRAY));
    }

    /** No passwords exist yet: the default user accepts any password, as Redis' nopass user. */
    private static Reply authenticate(byte[] user, byte[] password) {
        if (!Args.is(user, "DEFAULT")) {
            return Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
        return null;
    }

    private static Reply auth(byte[][] args) {
        if (args.length == 2) {
            return Reply.error("ERR AUTH <password> called without any password configured for"
                    + " the default user. Are you sure your configuration is correct?");
        }
        if (args.length != 3) return arity(CommandType.AUTH);
        Reply denied = authenticate(args[1], args[2]);
        return denied != null ? denied : Reply.OK;
    }

    private Reply client(ClientSession session, byte[][] args) {
        String sub = text(args[1]).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "SETINFO":
                if (args.length != 4) return Reply.error("ERR wrong number of arguments for 'client|setinfo' command");
                if (Args.is(args[2], "LIB-NAME")) session.libraryName = text(args[3]);
                else if (Args.is(args[2], "LIB-VER")) session.libraryVersion = text(args[3]);
                else return Reply.error("ERR Unrecognized option '" + text(args[2]) + "'");
                return Reply.OK;
            case "SETNAME":
                if (args.length != 3) return Reply.error("ERR wrong number of arguments for 'client|setname' command");
                String name = text(args[2]);
                if (name.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                    return Reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
                }
                session.name = name;
                return Reply.OK;
            case "GETNAME":
                return session.name.isEmpty() ? Reply.NIL : Reply.bulk(session.name);
            case "ID":
                return Reply.integer(session.id);
            case "INFO":
                return Reply.bulk(session.describe(System.currentTimeMillis()) + "\n");
            case "LIST":
                StringBuilder list = new StringBuilder();
                long now = System.currentTimeMillis();
                for (ClientSession client : context.clients().all()) {
                    list.append(client.describe(now)).append('\n');
                }
                return Reply.bulk(list.toString());
            case "NO-EVICT", "NO-TOUCH":
                return Reply.OK;
            default:
                return Reply.error("ERR unknown subcommand '" + sub + "'. Try CLIENT HELP.");
        }
    }

    private Reply command(byte[][] args) {
        if (args.length == 1) return commandInfos(List.of(CommandType.values()));
        String sub = text(args[1]).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "COUNT":
                return Reply.integer(CommandType.values().length);
            case "DOCS":
                return Reply.EMPTY_ARRAY; // no docs: redis-cli falls back to its built-in hints
            case "LIST": {
                List<Reply> names = new ArrayList<>();
                for (CommandType type : CommandType.values()) names.add(Reply.bulk(type.wireName));
                return Reply.array(names);
            }
            case "INFO": {
                List<Reply> infos = new ArrayList<>();
                for (int i = 2; i < args.length; i++) {
                    CommandType type = CommandType.lookup(args[i]);
                    infos.add(type == null ? Reply.NIL_ARRAY : commandInfo(type));
                }
                return Reply.array(infos);
            }
            default:
                return Reply.error("ERR unknown subcommand '" + sub + "'. Try COMMAND HELP.");
        }
    }

    private static Reply commandInfos(List<CommandType> types) {
        List<Reply> infos = new ArrayList<>(types.size());
        for (CommandType type : types) infos.add(commandInfo(type));
        return Reply.array(infos);
    }

    /** The Redis 7 COMMAND entry: name, arity, flags, first, last, step, acl, tips, keys, subs. */
    private static Reply commandInfo(CommandType type) {
        String flag = switch (type.flag) {
            case WRITE -> "write";
            case READ -> "readonly";
            case CONNECTION, TRANSACTION -> "fast";
        };
        return Reply.array(List.of(Reply.bulk(type.wireName), Reply.integer(type.arity),
                Reply.array(List.of(new Reply.Simple(flag))), Reply.integer(type.firstKeyIndex),
                Reply.integer(type.lastKeyIndex), Reply.integer(type.keyStep),
                Reply.EMPTY_ARRAY, Reply.EMPTY_ARRAY, Reply.EMPTY_ARRAY, Reply.EMPTY_ARRAY));
    }

    /**
     * CONSISTENCY: this connection's level for eventual keyspaces (reads and writes); without an
     * argument it shows the level in force; DEFAULT returns to the keyspace's configured levels.
     */
    private Reply consistency(ClientSession session, byte[][] args) {
        if (args.length == 1) {
            if (session.level != null) return new Reply.Simple(session.level.name());
            Keyspaces.Keyspace keyspace = context.keyspaces().byIndex(session.keyspaceIndex);
            return new Reply.Simple(keyspace.mode() == Keyspaces.Mode.STRONG ? "STRONG"
                    : "DEFAULT write=" + keyspace.writeLevel() + " read=" + keyspace.readLevel());
        }
        if (args.length > 2) return Reply.error("ERR wrong number of arguments for 'consistency' command");
        if (Args.is(args[1], "DEFAULT")) {
            session.level = null;
            return Reply.OK;
        }
        kv.server.eventual.Level level = kv.server.eventual.Level.parse(text(args[1]));
        if (level == null) {
            return Reply.error("ERR unknown level '" + text(args[1]) + "'; use ONE, QUORUM, ALL or DEFAULT");
        }
        session.level = level;
        return Reply.OK;
    }

    /** SYNOD MEMBERS: one line per member, "id=1 host=127.0.0.1 port=6379 role=leader". */
    private Reply synod(byte[][] args) {
        if (!Args.is(args[1], "MEMBERS")) {
            return Reply.error("ERR unknown subcommand '" + text(args[1]) + "'. Try SYNOD MEMBERS.");
        }
        List<Reply> lines = new ArrayList<>();
        for (String line : context.info().members()) lines.add(Reply.bulk(line));
        return Reply.array(lines);
    }

    private Reply config(byte[][] args) {
        String sub = text(args[1]).toUpperCase(Locale.ROOT);
        if (sub.equals("GET")) {
            if (args.length < 3) return Reply.error("ERR wrong number of arguments for 'config|get' command");
            List<Reply> pairs = new ArrayList<>();
            for (Map.Entry<String, String> entry : context.configValues().entrySet()) {
                for (int i = 2; i < args.length; i++) {
                    byte[] pattern = text(args[i]).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                    if (GlobPattern.matches(pattern, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                        pairs.add(Reply.bulk(entry.getKey()));
                        pairs.add(Reply.bulk(entry.getValue()));
                        break;
                    }
                }
            }
            return Reply.array(pairs);
        }
        if (sub.equals("SET")) {
            return Reply.error("ERR CONFIG SET is not supported: edit the node's YAML config and"
                    + " restart the node");
        }
        if (sub.equals("RESETSTAT")) return Reply.OK;
        return Reply.error("ERR unknown subcommand '" + sub + "'. Try CONFIG HELP.");
    }

    private Reply info(byte[][] args) {
        List<String> sections = new ArrayList<>();
        if (args.length == 1 || (args.length == 2 && (Args.is(args[1], "ALL")
                || Args.is(args[1], "DEFAULT") || Args.is(args[1], "EVERYTHING")))) {
            sections.addAll(context.info().defaultSections());
        } else {
            for (int i = 1; i < args.length; i++) sections.add(text(args[i]).toLowerCase(Locale.ROOT));
        }
        StringBuilder out = new StringBuilder();
        for (String section : sections) {
            String text = context.info().section(section);
            if (text.isEmpty()) continue;
            if (out.length() > 0) out.append("\r\n");
            out.append(text);
        }
        return Reply.bulk(out.toString());
    }

    static String text(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }
}
