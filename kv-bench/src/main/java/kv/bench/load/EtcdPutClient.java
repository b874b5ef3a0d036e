package kv.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A put through etcd's v3 HTTP/JSON gateway, which etcd 3.4 serves on its client URL:
 * {@code POST /v3/kv/put} with base64 key and value. Each worker has its own
 * {@link HttpClient} over HTTP/1.1, so it keeps one keep-alive connection to its node
 * (a shared client would also pool, but its one selector thread would serve all workers).
 */
final class EtcdPutClient implements PutClient {
    private final HttpClient http;
    private final URI putUri;
    private final URI rangeUri;

    EtcdPutClient(PutLoadConfig.Endpoint endpoint) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS))
                .build();
        this.putUri = URI.create("http://" + endpoint + "/v3/kv/put");
        this.rangeUri = URI.create("http://" + endpoint + "/v3/kv/range");
    }

    @Override
    public void put(byte[] key, byte[] value) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(putUri)
                .timeout(Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EtcdJson.putRequest(key, value)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !EtcdJson.isPutAcknowledged(response.body())) {
            throw new IOException("etcd put answered " + response.statusCode() + " "
                    + abbreviate(response.body()));
        }
    }

    @Override
    public void get(byte[] key, boolean serializable) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(rangeUri)
                .timeout(Duration.ofMillis(BenchLimits.SOCKET_TIMEOUT_MILLIS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EtcdJson.rangeRequest(key, serializable)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !EtcdJson.isRangeAnswered(response.body())) {
            throw new IOException("etcd range answered " + response.statusCode() + " "
                    + abbreviate(response.body()));
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        // HttpClient has no close() before JDK 21; its connections end with the process.
    }
}
