package kv.bench.load;

import java.util.concurrent.CompletionStage;

/**
 * The two requests of the client comparison through an asynchronous client (kv-client,
 * Lettuce). Thread-safe: every bench thread shares one instance, as an application would.
 */
interface AsyncKv extends AutoCloseable {
    /** GET; completes with the value, null when absent. */
    CompletionStage<byte[]> get(byte[] key);

    /** SET; completes once acknowledged, exceptionally on any reply but +OK. */
    CompletionStage<?> set(byte[] key, byte[] value);

    @Override
    void close();
}
