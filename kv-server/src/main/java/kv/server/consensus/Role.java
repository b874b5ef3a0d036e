package kv.server.consensus;

public enum Role { FOLLOWER, CANDIDATE, LEADER }
