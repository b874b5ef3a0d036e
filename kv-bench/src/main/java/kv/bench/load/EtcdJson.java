package kv.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON of etcd's v3 HTTP gateway (grpc-gateway): bytes fields travel base64-encoded.
 * Only what the put benchmark needs, so no JSON library on the hot path.
 */
final class EtcdJson {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private EtcdJson() {}

    /** {@code {"key":"<base64>","value":"<base64>"}}, the body of {@code POST /v3/kv/put}. */
    static byte[] putRequest(byte[] key, byte[] value) {
        // Base64 output is [A-Za-z0-9+/=]: nothing to escape inside a JSON string.
        String json = "{\"key\":\"" + BASE64.encodeToString(key) + "\",\"value\":\""
                + BASE64.encodeToString(value) + "\"}";
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code {"key":"<base64>","serializable":bool}}, the body of {@code POST /v3/kv/range}:
     * linearizable (etcd's default: a ReadIndex round through the leader) unless serializable
     * (served from the member's own state, possibly stale).
     */
    static byte[] rangeRequest(byte[] key, boolean serializable) {
        String json = "{\"key\":\"" + BASE64.encodeToString(key) + "\""
                + (serializable ? ",\"serializable\":true" : "") + "}";
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether a 200 reply body answers a range request (with or without kvs). */
    static boolean isRangeAnswered(String body) {
        return body.contains("\"header\"") && !body.contains("\"error\"");
    }

    /**
     * Whether a 200 reply body is an acknowledged put: the gateway answers
     * {@code {"header":{...,"revision":"N",...}}} on success and
     * {@code {"error":...,"code":N,...}} when the request failed.
     */
    static boolean isPutAcknowledged(String body) {
        return body.contains("\"header\"") && body.contains("\"revision\"")
                && !body.contains("\"error\"");
    }
}
