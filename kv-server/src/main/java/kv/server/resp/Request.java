package kv.server.resp;

/**
 * One decoded client request: either the arguments of a command, or a rejection decided while
 * decoding (an argument over a limit) that must be answered in order with {@code error}.
 * {@code close}: the stream is unusable (framing error) and the connection closes after replying.
 */
record Request(byte[][] args, String error, boolean close, int sizeBytes) {
    static Request command(byte[][] args, int sizeBytes) {
        return new Request(args, null, false, sizeBytes);
    }

    static Request rejected(String error) {
        return new Request(null, error, false, 0);
    }

    static Request fatal(String error) {
        return new Request(null, error, true, 0);
    }
}
