package kv.server.command;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A command's result, independent of the wire format. The state machine returns these, so every
 * replica computes the same reply; the RESP layer encodes them.
 */
public sealed interface Reply {
    record Simple(String text) implements Reply {}

    /** {@code text} starts with the error code, e.g. "ERR ..." or "WRONGTYPE ...". */
    record Error(String text) implements Reply {}

    record Integer(long value) implements Reply {}

    /** A bulk string; {@code value == null} is the nil bulk string. */
    record Bulk(byte[] value) implements Reply {}

    /** An array; {@code elements == null} is the nil array (an aborted EXEC). */
    record Array(List<Reply> elements) implements Reply {}

    Reply OK = new Simple("OK");
    Reply QUEUED = new Simple("QUEUED");
    Reply PONG = new Simple("PONG");
    Reply NIL = new Bulk(null);
    Reply NIL_ARRAY = new Array(null);
    Reply EMPTY_ARRAY = new Array(List.of());
    Reply ZERO = new Integer(0);
    Reply ONE = new Integer(1);

    Reply WRONGTYPE = new Error(
            "WRONGTYPE Operation against a key holding the wrong kind of value");
    Reply NOT_INTEGER = new Error("ERR value is not an integer or out of range");
    Reply NOT_FLOAT = new Error("ERR value is not a valid float");
    Reply SYNTAX = new Error("ERR syntax error");

    static Reply integer(long value) {
        return value == 0 ? ZERO : value == 1 ? ONE : new Integer(value);
    }

    static Reply bulk(byte[] value) {
        return value == null ? NIL : new Bulk(value);
    }

    static Reply bulk(String value) {
        return new Bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    static Reply error(String text) {
        return new Error(text);
    }

    static Reply array(List<Reply> elements) {
        return new Array(elements);
    }

    default boolean isError() {
        return this instanceof Error;
    }
}
