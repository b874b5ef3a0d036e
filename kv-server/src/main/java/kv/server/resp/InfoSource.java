package kv.server.resp;

/** Produces the text of INFO sections (server, clients, persistence, keyspace, ...). */
public interface InfoSource {
    /** The named section in Redis INFO format ("# Server\r\nkey:value\r\n..."), or "" if unknown. */
    String section(String name);

    /** Section names in the order INFO without arguments prints them. */
    java.util.List<String> defaultSections();

    /** SYNOD MEMBERS lines: "id=N host=H port=P role=leader|follower|unknown", this node first. */
    default java.util.List<String> members() {
        return java.util.List.of();
    }
}
