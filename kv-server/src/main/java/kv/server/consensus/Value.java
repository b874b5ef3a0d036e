package kv.server.consensus;

import java.util.Arrays;

/**
 * The value of one slot: a batch of commands, a no-op, a membership config or a lease holder
 * set. {@code mask} is the node bitmask of the last two (members, lease holders), else 0.
 * Immutable by convention: nobody writes into {@code commands} after construction.
 */
public record Value(ValueKind kind, byte[][] commands, int mask) {
    private static final byte[][] NO_COMMANDS = new byte[0][];
    public static final Value NOOP = new Value(ValueKind.NOOP, NO_COMMANDS, 0);

    public static Value commands(byte[][] commands) {
        return new Value(ValueKind.COMMANDS, commands, 0);
    }

    public static Value config(int membersMask) {
        return new Value(ValueKind.CONFIG, NO_COMMANDS, membersMask);
    }

    public static Value leaseHolders(int holdersMask) {
        return new Value(ValueKind.LEASE_HOLDERS, NO_COMMANDS, holdersMask);
    }

    public long sizeBytes() {
        long size = 8;
        for (byte[] command : commands) size += command.length + 4;
        return size;
    }

    /** Equality by content (records compare arrays by identity). */
    public boolean sameAs(Value other) {
        return kind == other.kind && mask == other.mask
                && Arrays.deepEquals(commands, other.commands);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NOOP -> "noop";
            case CONFIG -> "config(members=" + Integer.toBinaryString(mask) + ")";
            case LEASE_HOLDERS -> "leaseHolders(" + Integer.toBinaryString(mask) + ")";
            case COMMANDS -> commandsToString();
        };
    }

    private String commandsToString() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < commands.length; i++) {
            if (i > 0) out.append(',');
            if (i == 4) {
                out.append("...+").append(commands.length - 4);
                break;
            }
            appendCommand(out, commands[i]);
        }
        return out.append(']').toString();
    }

    /** Printable ASCII as is (scripts), anything else as length and leading hex (sessions). */
    private static void appendCommand(StringBuilder out, byte[] command) {
        boolean printable = true;
        for (byte b : command) printable &= b >= 0x20 && b < 0x7f;
        if (printable) {
            for (byte b : command) out.append((char) b);
            return;
        }
        out.append(command.length).append("b:");
        for (int i = Math.max(0, command.length - 4); i < command.length; i++) {
            out.append(Character.forDigit((command[i] >> 4) & 0xf, 16))
                    .append(Character.forDigit(command[i] & 0xf, 16));
        }
    }
}
