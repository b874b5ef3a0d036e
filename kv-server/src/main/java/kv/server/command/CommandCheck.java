package kv.server.command;

import kv.server.Limits;

/**
 * Checks a request against the command table and {@link Limits} before anything runs: a
 * request that fails here changes nothing and gets an error naming the limit.
 */
public final class CommandCheck {
    private CommandCheck() {}

    /** Null if the request may run, else the error to send. */
    public static Reply check(CommandType type, byte[][] args) {
        if (!type.arityAccepts(args.length)) {
            return Reply.error("ERR wrong number of arguments for '" + type.wireName
                    + "' command");
        }
        if (type.firstKeyIndex > 0) {
            int last = type.lastKeyIndex < 0 ? args.length - 1 : type.lastKeyIndex;
            for (int i = type.firstKeyIndex; i <= last && i < args.length; i += type.keyStep) {
                if (args[i].length > Limits.KEY_SIZE_BYTES_MAX) {
                    return Reply.error("LIMIT key size " + args[i].length + " bytes exceeds max "
                            + Limits.KEY_SIZE_BYTES_MAX + " bytes");
                }
            }
            if (type.keyStep == 2 && (args.length - 1) % 2 != 0) {
                return Reply.error("ERR wrong number of arguments for '" + type.wireName
                        + "' command");
            }
        }
        return null;
    }

    public static Reply unknownCommand(byte[][] args) {
        StringBuilder text = new StringBuilder("ERR unknown command '");
        appendPrintable(text, args[0], 128);
        text.append("', with args beginning with: ");
        for (int i = 1; i < args.length && i < 4; i++) {
            text.append('\'');
            appendPrintable(text, args[i], 64);
            text.append("' ");
        }
        return Reply.error(text.toString().stripTrailing());
    }

    /** Bytes from a client, made safe to echo inside a one-line error. */
    public static void appendPrintable(StringBuilder out, byte[] bytes, int maxBytes) {
        for (int i = 0; i < bytes.length && i < maxBytes; i++) {
            int c = bytes[i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
    }
}
