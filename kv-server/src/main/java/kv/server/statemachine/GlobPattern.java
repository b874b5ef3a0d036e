package kv.server.statemachine;

/**
 * Redis glob matching for KEYS and SCAN MATCH: {@code * ? [abc] [^a] [a-z] \x}. Iterative with a
 * single backtrack point for '*', so a hostile pattern costs O(pattern x key), never exponential.
 */
public final class GlobPattern {
    private GlobPattern() {}

    public static boolean matches(byte[] pattern, byte[] text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = -1;
        while (t < text.length) {
            if (p < pattern.length && pattern[p] == '*') {
                while (p < pattern.length && pattern[p] == '*') p++;
                if (p == pattern.length) return true;
                starP = p;
                starT = t;
                continue;
            }
            int consumed = p < pattern.length ? matchOne(pattern, p, text[t]) : -1;
            if (consumed > 0) {
                p += consumed;
                t++;
            } else if (starP >= 0) {
                p = starP;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') p++;
        return p == pattern.length;
    }

    /** Pattern bytes consumed if the element at {@code p} matches {@code c}, else -1. */
    private static int matchOne(byte[] pattern, int p, byte c) {
        byte head = pattern[p];
        if (head == '?') return 1;
        if (head == '\\' && p + 1 < pattern.length) return pattern[p + 1] == c ? 2 : -1;
        if (head != '[') return head == c ? 1 : -1;
        int i = p + 1;
        boolean negate = i < pattern.length && pattern[i] == '^';
        if (negate) i++;
        boolean matched = false;
        while (i < pattern.length && pattern[i] != ']') {
            if (pattern[i] == '\\' && i + 1 < pattern.length) {
                matched |= pattern[i + 1] == c;
                i += 2;
            } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
                int low = Math.min(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                int high = Math.max(pattern[i] & 0xff, pattern[i + 2] & 0xff);
                matched |= (c & 0xff) >= low && (c & 0xff) <= high;
                i += 3;
            } else {
                matched |= pattern[i] == c;
                i++;
            }
        }
        if (i >= pattern.length) return -1; // unterminated class never matches
        return matched != negate ? i - p + 1 : -1;
    }
}
