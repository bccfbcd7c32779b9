package dev.bale.inspect;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageCodec;
import dev.bale.source.Source;
import dev.bale.source.SourceEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Reads every record of a container and reports what is wrong: unreadable or checksum-failing
 * records, class ids outside the class list, and optionally bytes that differ from the source
 * files or images that do not decode. Threads split the records; each has its own reader.
 */
public final class Verifier {

    /**
     * @param against  the source to compare with byte for byte, matched by key; null to skip
     * @param decode   also decode every image with OpenCV
     * @param progress called with the number of records checked so far (from any thread)
     */
    public static List<Problem> verify(Container container, Source against, boolean decode, int threads,
                                       IntConsumer progress) throws IOException {
        Map<String, SourceEntry> sources = new HashMap<>();
        if (against != null) {
            against.entries().forEach(e -> sources.put(e.key(), e));
        }
        int size = container.size();
        int workers = Math.max(1, Math.min(threads, size));
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Problem> problems = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        try {
            List<Future<Checked>> parts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int from = (int) ((long) size * w / workers);
                int to = (int) ((long) size * (w + 1) / workers);
                parts.add(pool.submit(() -> check(container, from, to, sources, decode, done, progress)));
            }
            for (Future<Checked> part : parts) {
                Checked checked = part.get();
                problems.addAll(checked.problems());
                keys.addAll(checked.keys());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verify interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        for (String problem : container.verifyMetadata()) {
            problems.add(new Problem(-1, "metadata", problem));
        }
        if (against != null) {
            for (SourceEntry entry : against.entries()) {
                if (!keys.contains(entry.key())) {
                    problems.add(new Problem(-1, entry.key(), "in the source (" + entry.origin() + ") but not in the container"));
                }
            }
        }
        problems.sort(Comparator.comparingInt(Problem::index).thenComparing(Problem::key));
        return problems;
    }

    private record Checked(List<Problem> problems, List<String> keys) {
    }

    private static Checked check(Container container, int from, int to, Map<String, SourceEntry> sources,
                                 boolean decode, AtomicInteger done, IntConsumer progress) {
        List<Problem> problems = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int classes = container.manifest().classes().size();
        int[] classIds = container.classIds();
        try (RecordReader reader = container.newReader()) {
            for (int i = from; i < to; i++) {
                String key = "?";
                try {
                    key = reader.key(i);
                    keys.add(key);
                    if ((classIds[i] < 0 && classes > 0) || (classes > 0 && classIds[i] >= classes)) {
                        problems.add(new Problem(i, key, "class id " + classIds[i] + " is not in the class list (0.." + (classes - 1) + ")"));
                    }
                    ByteBuffer bytes = reader.read(i);
                    if (!sources.isEmpty()) {
                        String mismatch = compare(sources.get(key), bytes);
                        if (mismatch != null) {
                            problems.add(new Problem(i, key, mismatch));
                        }
                    }
                    // Raw pixels were checked against their shape by the read; there is nothing to decode.
                    if (decode && reader.rawPixels() == null) {
                        String why = ImageCodec.get().problem(bytes);
                        if (why != null) {
                            problems.add(new Problem(i, key, why));
                        }
                    }
                } catch (CorruptContainerException e) {
                    problems.add(new Problem(i, key, e.getMessage()));
                }
                progress.accept(done.incrementAndGet());
            }
        }
        return new Checked(problems, keys);
    }

    private static String compare(SourceEntry source, ByteBuffer bytes) {
        if (source == null) {
            return "not in the source";
        }
        byte[] original;
        try {
            original = Files.readAllBytes(source.file());
        } catch (IOException e) {
            return "source file " + source.file() + " cannot be read: " + e.getMessage();
        }
        if (!ByteBuffer.wrap(original).equals(bytes)) {
            return "differs from " + source.file() + " (" + bytes.remaining() + " bytes in the container, "
                    + original.length + " in the file)";
        }
        return null;
    }

    private Verifier() {
    }
}
