package dev.bale.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a folder over HTTP on the loopback with a fixed latency per request and a bandwidth cap
 * per connection: an object store, imitated on one machine, for the remote bench.
 */
final class ThrottledServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final long latencyMillis;
    private final long bytesPerSecond;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    ThrottledServer(Path root, long latencyMillis, long bytesPerSecond) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.latencyMillis = latencyMillis;
        this.bytesPerSecond = bytesPerSecond;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "bale-bench-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            Thread.sleep(latencyMillis);
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            long from = 0;
            Matcher range = RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
            if (range.matches() && Long.parseLong(range.group(1)) < size) { // a single range, as --no-cache asks
                from = Long.parseLong(range.group(1));
                long to = Math.min(size - 1, Long.parseLong(range.group(2)));
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
                size = to - from + 1;
                exchange.sendResponseHeaders(206, size);
            } else {
                exchange.sendResponseHeaders(200, size);
            }
            long started = System.nanoTime();
            long sent = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.skipNBytes(from);
                for (int n; sent < size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size - sent))) > 0; ) {
                    out.write(buffer, 0, n);
                    sent += n;
                    long due = started + sent * 1_000_000_000L / bytesPerSecond; // pace to the cap
                    long early = due - System.nanoTime();
                    if (early > 0) {
                        Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                    }
                }
            }
            bytes.addAndGet(sent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
