package kv.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts loopback links between node addresses with iptables rules in a chain of our own
 * ({@value #CHAIN}), hooked into OUTPUT; {@link #close()} removes the hook and the chain, so a
 * failed test leaves nothing behind. Needs root and iptables (scripts/test.sh installs it).
 * Mirrors kv-server's test helper kv.server.it.Firewall (test code of another module) with its
 * own chain name, so the two never touch each other's rules.
 */
final class Firewall implements AutoCloseable {
    static final String CHAIN = "SYNOD_CLIENT_IT";
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    static boolean available() {
        try {
            return run("iptables", "-L", "OUTPUT", "-n") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    Firewall() throws IOException {
        close(); // a previous run that died may have left the chain behind
        check(run("iptables", "-N", CHAIN), "create chain");
        check(run("iptables", "-I", "OUTPUT", "-j", CHAIN), "hook chain into OUTPUT");
    }

    /** Cuts both directions between {@code host} and each of {@code others}. */
    void isolate(String host, List<String> others) throws IOException {
        for (String other : others) {
            drop(host, other);
            drop(other, host);
        }
    }

    private void drop(String from, String to) throws IOException {
        check(run("iptables", "-A", CHAIN, "-s", from, "-d", to, "-j", "DROP"), "add rule");
    }

    void heal() throws IOException {
        check(run("iptables", "-F", CHAIN), "flush chain");
    }

    @Override
    public void close() throws IOException {
        run("iptables", "-D", "OUTPUT", "-j", CHAIN);
        run("iptables", "-F", CHAIN);
        run("iptables", "-X", CHAIN);
    }

    private static void check(int exit, String what) {
        if (exit != 0) {
            throw new IllegalStateException("iptables failed to " + what + " (exit " + exit
                    + "); run as root with iptables installed (scripts/test.sh installs it)");
        }
    }

    private static int run(String... command) throws IOException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }
}
