package kv.bench.load;

/**
 * Record keys as YCSB builds them: {@code "user"} followed by the 64-bit FNV-1 hash of the
 * record number (hashed inserts, the default), so consecutive records spread over the keyspace.
 */
final class KeyHash {
    static final long FNV_OFFSET_BASIS_64 = 0xCBF29CE484222325L;
    static final long FNV_PRIME_64 = 1_099_511_628_211L;
    static final String KEY_PREFIX = "user";

    private KeyHash() {}

    /**
     * FNV-1 over the eight little-endian octets of {@code value}, made non-negative with
     * {@code Math.abs} as YCSB does (so {@code Long.MIN_VALUE} stays negative there too).
     */
    static long fnv64(long value) {
        long hash = FNV_OFFSET_BASIS_64;
        long rest = value;
        for (int i = 0; i < 8; i++) {
            long octet = rest & 0xff;
            rest = rest >> 8;
            hash = hash ^ octet;
            hash = hash * FNV_PRIME_64;
        }
        return Math.abs(hash);
    }

    static String keyName(long recordNumber) {
        return KEY_PREFIX + fnv64(recordNumber);
    }

    /** Score of a key in the {@code _indices} sorted set: Java's String hash, as YCSB's binding. */
    static double indexScore(String key) {
        return key.hashCode();
    }
}
