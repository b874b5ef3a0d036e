package kv.server.command;

/** How a command is routed; one flag per spec. */
public enum CommandFlag {
    /** Changes state: proposed to the replicated log and applied by the state machine. */
    WRITE,
    /** Reads state: served through the read path (local, lease or leader). */
    READ,
    /** Touches only the connection or the node (PING, SELECT, INFO): answered on the spot. */
    CONNECTION,
    /** Transaction control (MULTI, EXEC, DISCARD, WATCH, UNWATCH): handled by the session. */
    TRANSACTION
}
