package kv.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** One line of {@code SYNOD MEMBERS}: "id=1 host=127.0.0.1 port=6379 role=leader". */
record Member(int id, InetSocketAddress address, boolean leader) {
    static final byte[][] COMMAND = {Resp.bytes("SYNOD"), Resp.bytes("MEMBERS")};

    /**
     * Parses the array answer. A wildcard host (the node binds all interfaces) is replaced by the
     * host the answer came from.
     */
    static List<Member> parseAll(Object reply, InetSocketAddress via) {
        if (!(reply instanceof List<?> lines) || lines.isEmpty()) {
            throw new ProtocolException("SYNOD MEMBERS answered " + Resp.show(reply));
        }
        List<Member> members = new ArrayList<>(lines.size());
        for (Object line : lines) {
            if (!(line instanceof byte[] bytes)) {
                throw new ProtocolException("SYNOD MEMBERS line " + Resp.show(line));
            }
            members.add(parse(Resp.text(bytes), via));
        }
        return members;
    }

    static Member parse(String line, InetSocketAddress via) {
        int id = -1;
        int port = -1;
        String host = null;
        String role = null;
        try {
            for (String field : line.trim().split(" +")) {
                int equals = field.indexOf('=');
                if (equals < 0) continue;
                String key = field.substring(0, equals);
                String value = field.substring(equals + 1);
                switch (key) {
                    case "id" -> id = Integer.parseInt(value);
                    case "host" -> host = value;
                    case "port" -> port = Integer.parseInt(value);
                    case "role" -> role = value;
                    default -> { } // newer servers may add fields
                }
            }
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad SYNOD MEMBERS line: " + line);
        }
        if (id <= 0 || port <= 0 || port > 65_535 || host == null) {
            throw new ProtocolException("bad SYNOD MEMBERS line: " + line);
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
            host = via.getHostString();
        }
        return new Member(id, new InetSocketAddress(host, port), "leader".equals(role));
    }
}
