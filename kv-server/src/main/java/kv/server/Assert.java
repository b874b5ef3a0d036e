package kv.server;

/**
 * Always-on assertions (Java's {@code assert} is off by default). Overloads take primitives so a
 * passing check never boxes or formats. A failure throws {@link InvariantViolation}.
 */
public final class Assert {
    /** O(n) invariant scans run only when {@code -Dkv.verify=true} (tests, simulator). */
    public static final boolean VERIFY = Boolean.getBoolean("kv.verify");

    private Assert() {}

    public static void that(boolean condition, String message) {
        if (!condition) throw new InvariantViolation(message);
    }

    public static void that(boolean condition, String format, long a) {
        if (!condition) throw new InvariantViolation(String.format(format, a));
    }

    public static void that(boolean condition, String format, long a, long b) {
        if (!condition) throw new InvariantViolation(String.format(format, a, b));
    }

    public static void that(boolean condition, String format, Object a) {
        if (!condition) throw new InvariantViolation(String.format(format, a));
    }

    public static void that(boolean condition, String format, Object a, Object b) {
        if (!condition) throw new InvariantViolation(String.format(format, a, b));
    }

    public static InvariantViolation unreachable(String message) {
        return new InvariantViolation("unreachable: " + message);
    }
}
