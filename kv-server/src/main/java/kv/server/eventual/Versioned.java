package kv.server.eventual;

import java.util.Arrays;

/**
 * One key's value at a version: {@code blob} is the key's records as one value (see
 * {@link kv.server.statemachine.KeyRecords}), or null for a tombstone (the key was deleted at
 * {@code version}).
 */
public record Versioned(Version version, byte[] blob) {
    public static Versioned tombstone(Version version) {
        return new Versioned(version, null);
    }

    public boolean isTombstone() {
        return blob == null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Versioned that && version.equals(that.version)
                && Arrays.equals(blob, that.blob);
    }

    @Override
    public int hashCode() {
        return version.hashCode() * 31 + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return version + (blob == null ? " tombstone" : " " + blob.length + " bytes");
    }
}
