package kv.client;

/** A sorted-set member with its score (ZRANGE ... WITHSCORES). */
public record ScoredMember(String member, double score) {}
