package kv.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A scripted single-node RESP server on 127.0.0.1 for unit tests: answers SYNOD MEMBERS with
 * itself as leader, SELECT with +OK, CONSISTENCY without arguments with +STRONG (a strong
 * keyspace), and every other command with {@code script} (raw RESP text;
 * null = no answer, and, as a hung node, no answer to anything after it on that connection;
 * "CLOSE" = drop the connection). One thread per connection.
 */
final class FakeServer implements AutoCloseable {
    final ServerSocket socket;
    final List<List<String>> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Function<List<String>, String> script;
    /** The answer to CONSISTENCY without arguments: "STRONG", or "DEFAULT ..." if eventual. */
    volatile String keyspaceMode = "STRONG";
    /** The member SYNOD MEMBERS names leader: 1 (this server) or 2 (see {@link #members()}). */
    volatile int leaderId = 1;
    private final int otherPort = KvClientTest.freePort();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    FakeServer(Function<List<String>, String> script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = new Thread(this::acceptLoop, "fake-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                clients.add(client);
                Thread thread = new Thread(() -> serve(client), "fake-server-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            boolean hung = false;
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) return;
                if (hung) {
                    if (!command.get(0).equalsIgnoreCase("SYNOD")) received.add(command);
                    continue;
                }
                String answer;
                String name = command.get(0).toUpperCase();
                if (name.equals("SYNOD")) {
                    answer = members();
                } else if (name.equals("SELECT")) {
                    answer = "+OK\r\n";
                } else if (name.equals("CONSISTENCY") && command.size() == 1) {
                    answer = "+" + keyspaceMode + "\r\n"; // the keyspace mode probe at start
                } else {
                    received.add(command);
                    answer = script.apply(command);
                }
                if (answer == null) {
                    hung = true;
                    continue;
                }
                if (answer.equals("CLOSE")) return;
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                if (in.available() == 0) out.flush();
            }
        } catch (IOException e) {
            // Connection gone.
        }
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) return null;
        int count = Integer.parseInt(header.substring(1));
        List<String> args = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(readLine(in).substring(1));
            byte[] bytes = in.readNBytes(length + 2);
            args.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    /**
     * SYNOD MEMBERS: this server as leader (id 1); after {@link #leaderId} is set to 2, this
     * server as a follower and a member 2 on a port nobody listens on as the leader.
     */
    private String members() {
        String self = "id=1 host=127.0.0.1 port=" + port() + " role=" + (leaderId == 1 ? "leader" : "follower");
        if (leaderId == 1) return "*1\r\n" + bulkLine(self);
        return "*2\r\n" + bulkLine(self) + bulkLine("id=2 host=127.0.0.1 port=" + otherPort + " role=leader");
    }

    private static String bulkLine(String line) {
        return "$" + line.length() + "\r\n" + line + "\r\n";
    }

    /** Drops every open client connection (the server keeps accepting). */
    void dropConnections() throws IOException {
        for (Socket client : clients) client.close();
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        dropConnections();
    }
}
