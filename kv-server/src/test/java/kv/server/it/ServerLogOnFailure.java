package kv.server.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the tail of every running server's log when a test fails, to help debugging. */
public final class ServerLogOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("FAILED " + context.getDisplayName() + ": " + cause);
        ServerProcess.printAllLogTails();
    }
}
