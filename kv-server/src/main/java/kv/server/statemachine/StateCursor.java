package kv.server.statemachine;

/** Forward iteration over a key range. Single-threaded; close releases native resources. */
public interface StateCursor extends AutoCloseable {
    boolean valid();

    byte[] key();

    byte[] value();

    void next();

    @Override
    void close();
}
