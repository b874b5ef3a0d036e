package kv.server.statemachine;

import java.nio.charset.StandardCharsets;

/** Parsing of command arguments with Redis' strictness (string2ll, strtod). */
public final class Args {
    private Args() {}

    public static boolean is(byte[] arg, String upperAscii) {
        if (arg.length != upperAscii.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i] & 0xff;
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upperAscii.charAt(i)) return false;
        }
        return true;
    }

    /** A signed 64-bit decimal with no sign but '-', no spaces, no leading zeros; else null. */
    public static Long parseLong(byte[] arg) {
        int length = arg.length;
        if (length == 0 || length > 20) return null;
        boolean negative = arg[0] == '-';
        int i = negative ? 1 : 0;
        if (i == length) return null;
        if (arg[i] == '0' && length > i + 1) return null;
        long value = 0;
        for (; i < length; i++) {
            int digit = arg[i] - '0';
            if (digit < 0 || digit > 9) return null;
            // Accumulate negatively so that Long.MIN_VALUE parses.
            if (value < (Long.MIN_VALUE + digit) / 10) return null;
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) return null;
            value = -value;
        }
        return value;
    }

    /** A finite or infinite double ("inf", "+inf", "-inf" accepted); NaN or junk: null. */
    public static Double parseDouble(byte[] arg) {
        if (arg.length == 0 || arg.length > 64) return null;
        String text = new String(arg, StandardCharsets.US_ASCII);
        if (is(arg, "INF") || is(arg, "+INF") || is(arg, "INFINITY") || is(arg, "+INFINITY")) {
            return Double.POSITIVE_INFINITY;
        }
        if (is(arg, "-INF") || is(arg, "-INFINITY")) return Double.NEGATIVE_INFINITY;
        for (int i = 0; i < arg.length; i++) {
            char c = (char) (arg[i] & 0xff);
            boolean allowed = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'
                    || c == 'e' || c == 'E';
            if (!allowed) return null;
        }
        try {
            double value = Double.parseDouble(text);
            return Double.isNaN(value) ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A score as Redis prints it: integers without a fraction, "inf", else shortest form. */
    public static byte[] formatDouble(double value) {
        String text;
        if (value == Double.POSITIVE_INFINITY) {
            text = "inf";
        } else if (value == Double.NEGATIVE_INFINITY) {
            text = "-inf";
        } else if (value == Math.rint(value) && Math.abs(value) < 1e17) {
            text = Long.toString((long) value);
        } else {
            text = Double.toString(value).replace("E-", "e-").replace("E", "e+");
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
