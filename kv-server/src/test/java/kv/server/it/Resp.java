package kv.server.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal raw RESP2 client over a plain socket, for tests that must send exactly the bytes they
 * choose (malformed frames, trickled bytes, floods). Every read has a socket timeout, so no call
 * blocks forever.
 *
 * <p>Replies decode to: simple string -> {@link String}; error -> {@link Err}; integer ->
 * {@link Long}; bulk -> {@code byte[]} (null bulk -> null); array -> {@code List<Object>}.
 */
public final class Resp implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A RESP error reply. */
    public record Err(String message) {
        @Override
        public String toString() {
            return "-" + message;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public Resp(String host, int port) throws IOException {
        this(host, port, DEFAULT_TIMEOUT);
    }

    public Resp(String host, int port, Duration timeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public void setTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Sends one command as a RESP array of bulk strings and reads its reply. */
    public Object call(Object... args) throws IOException {
        send(args);
        return read();
    }

    public void send(Object... args) throws IOException {
        out.write(encode(args));
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendRaw(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One command encoded as a RESP array of bulk strings; args are String or byte[]. */
    public static byte[] encode(Object... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writeAscii(buf, "*" + args.length + "\r\n");
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] b ? b : arg.toString().getBytes(StandardCharsets.UTF_8);
            writeAscii(buf, "$" + bytes.length + "\r\n");
            buf.writeBytes(bytes);
            writeAscii(buf, "\r\n");
        }
        return buf.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream buf, String s) {
        buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads one reply; throws EOFException if the server closed the connection. */
    public Object read() throws IOException {
        int type = in.read();
        if (type < 0) throw new EOFException("connection closed by the server");
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Err(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) return null;
                byte[] data = in.readNBytes(length);
                if (data.length < length) throw new EOFException("short bulk");
                expectCrlf();
                return data;
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) return null;
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) items.add(read());
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "' (" + type
                        + ") followed by '" + line + "'");
        }
    }

    /**
     * True if the server closes the connection (EOF or reset) within {@code timeout}, having
     * sent nothing more; false if the connection is still open when the time is up.
     */
    public boolean closedByServerWithin(Duration timeout) throws IOException {
        int saved = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            int b = in.read();
            if (b < 0) return true;
            throw new IOException("expected the connection to close, got more data starting with '"
                    + (char) b + "'");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // connection reset
        } finally {
            if (!socket.isClosed()) socket.setSoTimeout(saved);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed mid-line");
            if (b == '\r') {
                int n = in.read();
                if (n != '\n') throw new IOException("CR not followed by LF");
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    private void expectCrlf() throws IOException {
        if (in.read() != '\r' || in.read() != '\n') throw new IOException("bulk not followed by CRLF");
    }

    /** A readable rendering of a reply for assertion messages. */
    public static String show(Object reply) {
        if (reply instanceof byte[] b) {
            String s = new String(b, StandardCharsets.ISO_8859_1);
            return "\"" + (s.length() > 80 ? s.substring(0, 80) + "...(" + b.length + " bytes)" : s) + "\"";
        }
        if (reply instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) parts.add(show(o));
            return parts.toString();
        }
        return String.valueOf(reply);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
