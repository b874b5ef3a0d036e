package kv.server.transport;

/** Where a peer listens for peer traffic; a node also binds its outgoing connections to its own host. */
public record PeerAddress(int nodeId, String host, int port) {}
