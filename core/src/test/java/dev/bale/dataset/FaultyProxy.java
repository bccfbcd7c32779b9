package dev.bale.dataset;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy for tests (JDK com.sun.net.httpserver) in front of another server, say
 * S3Mock: forwards each request as it came (method, path, query, headers such as Range) and the
 * answer back, except that requests of chosen paths meet injected faults — 503s with an S3 error
 * body, connections dropped mid-body, wrong bytes. Counts the requests per path.
 */
final class FaultyProxy implements AutoCloseable {
    enum Fault { UNAVAILABLE, RESET_MID_BODY, WRONG_BYTES }

    /** Headers the JDK client sets itself (or refuses), and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, Fault> always = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    FaultyProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "faulty-proxy");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** The next requests of {@code path} (as the proxy sees it: /bucket/key) meet these faults, in order. */
    synchronized void inject(String path, Fault... next) {
        faults.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(next));
    }

    /** Every request of {@code path} meets this fault (null: none any more). */
    void always(String path, Fault fault) {
        if (fault == null) {
            always.remove(path);
        } else {
            always.put(path, fault);
        }
    }

    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    private synchronized Fault next(String path) {
        Fault fault = always.get(path);
        if (fault != null) {
            return fault;
        }
        Deque<Fault> queue = faults.get(path);
        return queue == null ? null : queue.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Fault fault = next(path);
            if (fault == Fault.UNAVAILABLE) {
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                        + "<Message>injected</Message></Error>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            forward.method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            byte[] body = answer.body();
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            if (fault == Fault.WRONG_BYTES && body.length > 0) {
                body = body.clone();
                body[body.length / 2] ^= 0x40;
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(answer.statusCode(), head || body.length == 0 ? -1 : body.length);
            if (head) {
                return;
            }
            OutputStream out = exchange.getResponseBody();
            if (fault == Fault.RESET_MID_BODY) {
                out.write(body, 0, body.length / 2);
                out.flush();
                throw new IOException("connection dropped mid-body (injected)"); // the server closes the connection
            }
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
