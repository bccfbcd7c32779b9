package dev.bale.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * http(s) through the JDK's HttpClient. A request that fails in a way that may pass — a 5xx, 408 or
 * 429 status, a connection reset or timeout, a body shorter than announced — is tried again after
 * an exponential, jittered pause; after the last try the error names the URL and what went wrong.
 * Other 4xx statuses fail at once.
 */
public final class HttpFetcher implements Fetcher {
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 5_000;

    private final HttpClient client;
    private final int attempts;
    private final Duration timeout;

    public HttpFetcher(int attempts, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.attempts = attempts;
        this.timeout = timeout;
    }

    /** One try's failure: whether another try may succeed. */
    private static final class Failure extends IOException {
        final boolean retryable;

        Failure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }

    private <T> T withRetries(URI uri, Attempt<T> attempt) throws IOException {
        IOException last = null;
        for (int k = 0; k < attempts; k++) {
            if (k > 0) {
                pause(k);
            }
            try {
                return attempt.run();
            } catch (Failure e) {
                last = e;
                if (!e.retryable) {
                    break;
                }
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) { // resets, timeouts, refused connections, premature EOF
                last = e;
            }
        }
        throw new IOException("GET " + uri + " failed after " + attempts + " tries: " + last.getMessage(), last);
    }

    private static void pause(int attempt) throws InterruptedIOException {
        long pause = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(attempt - 1, 16));
        try {
            Thread.sleep(pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
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
        int status = response.statusCode();
        if (status != 200) {
            response.body().close();
            boolean retryable = status >= 500 || status == 408 || status == 429;
            throw new Failure("HTTP " + status, retryable);
        }
        return response.body();
    }

    @Override
    public byte[] get(URI uri, long maxBytes) throws IOException {
        return withRetries(uri, () -> {
            try (InputStream in = open(uri)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new Failure("larger than " + maxBytes + " bytes", false);
                }
                return bytes;
            }
        });
    }

    @Override
    public void download(URI uri, Path target, long bytes) throws IOException {
        withRetries(uri, () -> {
            long got = 0;
            try (InputStream in = open(uri); OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    got += n;
                    if (got > bytes) {
                        throw new Failure("longer than the " + bytes + " bytes dataset.json gives", false);
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (got < bytes) {
                throw new Failure("short body: " + got + " of " + bytes + " bytes", true);
            }
            return null;
        });
    }

    @Override
    public void close() {
        // HttpClient frees its resources when unreachable (close() arrives with Java 21).
    }
}
