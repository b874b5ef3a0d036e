package kv.server.transport;

import java.util.zip.CRC32C;

/**
 * The peer wire format: {@code length:4 | crc32c:4 | version:1 | type:1 | from:1 | body}, where
 * length counts every byte after itself and the CRC32C covers everything after the CRC. A frame
 * with a wrong version, length or checksum is corrupt: the connection is closed and the frame
 * never reaches the node.
 */
public final class FrameCodec {
    public static final int VERSION = 1;
    /** crc32c:4 version:1 type:1 from:1 */
    public static final int HEADER_BYTES = 7;
    public static final int LENGTH_BYTES = 4;

    private FrameCodec() {}

    public static int checksum(byte version, byte type, byte from, byte[] body, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(version);
        crc.update(type);
        crc.update(from);
        crc.update(body, offset, length);
        return (int) crc.getValue();
    }

    /** Why a frame is corrupt, or null if it is sound. */
    public static String problem(int length, int maxBytes) {
        if (length < HEADER_BYTES) return "frame length " + length + " below header size";
        if (length > maxBytes) return "frame length " + length + " exceeds max " + maxBytes + " bytes";
        return null;
    }
}
