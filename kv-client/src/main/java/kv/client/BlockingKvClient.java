package kv.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The blocking view of a {@link KvClient} ({@link KvClient#blocking()}): each call waits for
 * its result and throws the typed {@link KvException} the async call fails with. Thread-safe.
 */
public final class BlockingKvClient {
    private final KvClient client;

    BlockingKvClient(KvClient client) {
        this.client = client;
    }

    public String get(String key) {
        return await(client.get(key));
    }

    public byte[] getBytes(byte[] key) {
        return await(client.getBytes(key));
    }

    public void set(String key, String value) {
        await(client.set(key, value));
    }

    public void set(byte[] key, byte[] value) {
        await(client.set(key, value));
    }

    /** SETNX: true if the key was set (it did not exist). */
    public boolean setIfAbsent(String key, String value) {
        return await(client.setIfAbsent(key, value));
    }

    public long incr(String key) {
        return await(client.incr(key));
    }

    public long incrBy(String key, long delta) {
        return await(client.incrBy(key, delta));
    }

    public long decr(String key) {
        return await(client.decr(key));
    }

    /** DEL: how many of the keys existed. */
    public long del(String... keys) {
        return await(client.del(keys));
    }

    public long exists(String... keys) {
        return await(client.exists(keys));
    }

    /** MGET: one value per key, null where absent. */
    public List<String> mget(String... keys) {
        return await(client.mget(keys));
    }

    public void mset(Map<String, String> entries) {
        await(client.mset(entries));
    }

    /** HSET: how many fields were new. */
    public long hset(String key, String field, String value) {
        return await(client.hset(key, field, value));
    }

    public long hset(String key, Map<String, String> fields) {
        return await(client.hset(key, fields));
    }

    public String hget(String key, String field) {
        return await(client.hget(key, field));
    }

    /** HGETALL in the server's field order; empty when the key does not exist. */
    public Map<String, String> hgetall(String key) {
        return await(client.hgetall(key));
    }

    public long hdel(String key, String... fields) {
        return await(client.hdel(key, fields));
    }

    public long hincrBy(String key, String field, long delta) {
        return await(client.hincrBy(key, field, delta));
    }

    public long hlen(String key) {
        return await(client.hlen(key));
    }

    /** ZADD: how many members were new. */
    public long zadd(String key, double score, String member) {
        return await(client.zadd(key, score, member));
    }

    public long zrem(String key, String... members) {
        return await(client.zrem(key, members));
    }

    public Double zincrBy(String key, double delta, String member) {
        return await(client.zincrBy(key, delta, member));
    }

    public Double zscore(String key, String member) {
        return await(client.zscore(key, member));
    }

    public long zcard(String key) {
        return await(client.zcard(key));
    }

    /** ZRANGE by index, inclusive; negative indexes count from the end. */
    public List<String> zrange(String key, long start, long stop) {
        return await(client.zrange(key, start, stop));
    }

    public List<ScoredMember> zrangeWithScores(String key, long start, long stop) {
        return await(client.zrangeWithScores(key, start, stop));
    }

    public List<String> zrangeByScore(String key, double min, double max) {
        return await(client.zrangeByScore(key, min, max));
    }

    public String ping() {
        return await(client.ping());
    }

    /**
     * Any command, raw reply (String, Long, byte[], List, null). {@code write} must be true for
     * commands that change data: they then run exactly once through a session.
     */
    public Object command(boolean write, Object... args) {
        return await(client.command(write, args));
    }

    /**
     * Waits for a call of this client. The call completes by its own deadline; the extra wait
     * here is a safety net, so a bug can never hang a caller forever.
     */
    private <T> T await(CompletableFuture<T> future) {
        long waitMillis = client.config().requestTimeout().toMillis() * 2 + 1_000;
        try {
            return future.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KvException kv) throw kv;
            throw new KvException("CLIENT", String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            throw new KvTimeoutException("no result within " + waitMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvTimeoutException("interrupted");
        }
    }
}
