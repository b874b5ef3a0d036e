package kv.server.consensus;

/**
 * State-machine state after applying every slot below {@code slotBelow}, with the membership at
 * that point. The bytes are the state machine's own encoding (data and session table).
 */
public record Snapshot(long slotBelow, int membersMask, byte[] data) {}
