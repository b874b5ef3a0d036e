package kv.server.transport;

/** One message between peers: who sent it, what kind it is, and its encoded body. */
public record Frame(int fromNodeId, int type, byte[] body) {}
