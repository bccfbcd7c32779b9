package dev.bale.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** http(s) through the JDK's HttpClient, with {@link Retries}. Redirects are not followed (the host is checked). */
public final class HttpFetcher implements Fetcher {
    private final HttpClient client;
    private final int attempts;
    private final Duration timeout;

    public HttpFetcher(int attempts, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.attempts = attempts;
        this.timeout = timeout;
    }

    private InputStream open(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: GET " + uri);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw Retries.Failure.status(response.statusCode());
        }
        return response.body();
    }

    @Override
    public byte[] get(URI uri, long maxBytes) throws IOException {
        return Retries.run("GET " + uri, attempts, () -> {
            try (InputStream in = open(uri)) {
                return Streams.readCapped(in, maxBytes);
            }
        });
    }

    @Override
    public void download(URI uri, Path target, long bytes) throws IOException {
        Retries.run("GET " + uri, attempts, () -> {
            try (InputStream in = open(uri)) {
                Streams.copyExactly(in, target, bytes);
            }
            return null;
        });
    }

    @Override
    public byte[] getRange(URI uri, long offset, int length, RangeCheck check) throws IOException {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        return Retries.run("GET " + uri + " (" + range + ")", attempts, () -> {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Range", range).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted: GET " + uri);
            }
            try (InputStream in = response.body()) {
                if (response.statusCode() == 200 && offset != 0) { // from 0, the whole object is checked for length below
                    throw new Retries.Failure("the server ignored the Range header (HTTP 200): --no-cache needs Range requests", false);
                }
                if (response.statusCode() != 206) {
                    throw Retries.Failure.status(response.statusCode());
                }
                byte[] bytes = Streams.readExactly(in, length);
                check.check(bytes);
                return bytes;
            }
        });
    }

    @Override
    public void close() {
        // HttpClient frees its resources when unreachable (close() arrives with Java 21).
    }
}
