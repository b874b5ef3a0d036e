package kv.server.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline (telnet-style) command line into arguments like redis {@code sdssplitargs}:
 * spaces separate, "double quotes" allow escapes (\n, \t, \xHH, ...), 'single quotes' are literal.
 */
final class InlineParser {
    private InlineParser() {}

    /** The arguments, or null if a quote is unbalanced. */
    static byte[][] split(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= n) return args.toArray(new byte[0][]);
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            char quote = 0;
            boolean done = false;
            while (!done) {
                if (i >= n) {
                    if (quote != 0) return null;
                    break;
                }
                char c = line.charAt(i);
                if (quote == '"' && c == '\\' && i + 1 < n) {
                    i = appendEscape(line, i + 1, current);
                    continue;
                } else if (quote == '\'' && c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                    current.write('\'');
                    i += 2;
                    continue;
                } else if (quote != 0 && c == quote) {
                    // The closing quote must be followed by a space or the end.
                    if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) return null;
                    quote = 0;
                    done = true;
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (quote == 0 && Character.isWhitespace(c)) {
                    done = true;
                } else {
                    byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    current.write(bytes, 0, bytes.length);
                }
                i++;
            }
            args.add(current.toByteArray());
        }
    }

    private static int appendEscape(String line, int i, ByteArrayOutputStream out) {
        char c = line.charAt(i);
        if (c == 'x' && i + 2 < line.length()) {
            int high = Character.digit(line.charAt(i + 1), 16);
            int low = Character.digit(line.charAt(i + 2), 16);
            if (high >= 0 && low >= 0) {
                out.write(high * 16 + low);
                return i + 3;
            }
        }
        out.write(switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 7;
            default -> c;
        });
        return i + 1;
    }
}
