package dev.bale.dataset;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server over a folder for tests (the JDK's com.sun.net.httpserver), with Range requests,
 * a fixed latency per request, a bandwidth cap, and faults injected per file: 503s, connections
 * dropped mid-body, short bodies, wrong bytes. Counts the requests for every file.
 */
final class ShardServer implements AutoCloseable {
    enum Fault { UNAVAILABLE, RESET_MID_BODY, SHORT_BODY, WRONG_BYTES }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final Path root;
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, Fault> always = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    volatile long latencyMillis;
    volatile long bytesPerSecond;

    ShardServer(Path root) throws IOException {
        this.root = root;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "shard-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL of a path under the root. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** The next requests of {@code file} (a path under the root) meet these faults, in order. */
    void inject(String file, Fault... next) {
        faults.computeIfAbsent(file, f -> new ArrayDeque<>()).addAll(java.util.List.of(next));
    }

    /** Every request of {@code file} meets this fault (null: none any more). */
    void always(String file, Fault fault) {
        if (fault == null) {
            always.remove(file);
        } else {
            always.put(file, fault);
        }
    }

    int requests(String file) {
        AtomicInteger n = requests.get(file);
        return n == null ? 0 : n.get();
    }

    int requestsEndingWith(String suffix) {
        return requests.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToInt(e -> e.getValue().get()).sum();
    }

    void resetCounts() {
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String file = exchange.getRequestURI().getPath().substring(1);
            requests.computeIfAbsent(file, f -> new AtomicInteger()).incrementAndGet();
            sleep(latencyMillis);
            Path path = root.resolve(file).normalize();
            if (!path.startsWith(root) || !Files.isRegularFile(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Fault fault = always.get(file);
            if (fault == null) {
                Deque<Fault> queue = faults.get(file);
                synchronized (this) {
                    fault = queue == null ? null : queue.poll();
                }
            }
            if (fault == Fault.UNAVAILABLE) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] bytes = Files.readAllBytes(path);
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range);
                if (m.matches()) {
                    int from = Integer.parseInt(m.group(1));
                    int to = m.group(2).isEmpty() ? bytes.length - 1 : Math.min(bytes.length - 1, Integer.parseInt(m.group(2)));
                    bytes = java.util.Arrays.copyOfRange(bytes, from, to + 1);
                    status = 206;
                }
            }
            if (fault == Fault.WRONG_BYTES) {
                bytes = bytes.clone();
                bytes[bytes.length / 2] ^= 0x40;
            }
            if (fault == Fault.SHORT_BODY) {
                exchange.sendResponseHeaders(status, 0); // chunked: the client cannot tell the body is short
                write(exchange.getResponseBody(), bytes, bytes.length / 2);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            if (fault == Fault.RESET_MID_BODY) {
                OutputStream out = exchange.getResponseBody();
                write(out, bytes, bytes.length / 2);
                out.flush();
                throw new IOException("connection dropped mid-body (injected)"); // the server closes the connection
            }
            write(exchange.getResponseBody(), bytes, bytes.length);
        }
    }

    private void write(OutputStream out, byte[] bytes, int length) throws IOException {
        int chunk = 8192;
        for (int off = 0; off < length; off += chunk) {
            int n = Math.min(chunk, length - off);
            out.write(bytes, off, n);
            long rate = bytesPerSecond;
            if (rate > 0) {
                sleep(n * 1000L / rate);
            }
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
