package kv.server.statemachine;

import java.util.Arrays;
import java.util.Comparator;

/** Unsigned lexicographic byte order (RocksDB's default comparator) and small helpers. */
public final class Bytes {
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Bytes() {}

    /** The smallest key greater than every key that starts with {@code prefix}, or null. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    public static boolean inRange(byte[] key, byte[] from, byte[] toExclusive) {
        return ORDER.compare(key, from) >= 0
                && (toExclusive == null || ORDER.compare(key, toExclusive) < 0);
    }

    public static long getLong(byte[] in, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) value = (value << 8) | (in[at + i] & 0xff);
        return value;
    }

    public static void putLong(byte[] out, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** The murmur3 64-bit finalizer: spreads every input bit over the output (fixed forever). */
    public static long mix64(long hash) {
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }

    public static byte[] ofInt(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public static byte[] ofLong(long value) {
        byte[] out = new byte[8];
        putLong(out, 0, value);
        return out;
    }
}
