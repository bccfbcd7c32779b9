package dev.bale.pack;

import dev.bale.container.ContainerWriter;
import dev.bale.container.Containers;
import dev.bale.image.ImageCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Packs an input into a container: several threads read (and optionally decode-check) records
 * ahead, one thread writes them strictly in input order. The container appears under its final
 * name only when complete.
 */
public final class Packer {
    /** Records read ahead per thread: enough to keep every reader busy, bounded so memory is too. */
    private static final int READ_AHEAD_PER_THREAD = 4;

    private Packer() {
    }

    /** A record as a reader thread hands it to the writer: its bytes, or why it is bad. */
    private record Loaded(ByteBuffer bytes, BadRecordException bad) {
    }

    public static PackResult pack(PackInput input, Path output, PackOptions options, PackListener listener)
            throws IOException {
        return pack(input, output, options, listener, true);
    }

    /** As {@link #pack}; {@code report} false leaves skipped records to the caller (a shard's are the dataset's). */
    static PackResult pack(PackInput input, Path output, PackOptions options, PackListener listener, boolean report)
            throws IOException {
        // First: a replacement a dead pack left half-done is rolled back before OUT is judged.
        Reclaim.Result reclaimed = Reclaim.reclaim(options.layout(), output);
        if (!reclaimed.isEmpty()) {
            listener.reclaimed(reclaimed);
        }
        StagedOutput.checkWritable(options.layout(), output, options.force());
        long started = System.nanoTime();
        List<BadRecordException> skipped = new ArrayList<>();
        long bytes = 0;
        int written = 0;
        ExecutorService readers = Executors.newFixedThreadPool(options.threads(), daemon());
        try (StagedOutput staged = new StagedOutput(options.layout(), output)) {
            try (ContainerWriter writer = Containers.create(options.layout(), staged.staging(), input.classes(),
                    input.sizeHint())) {
                listener.started(input.size());
                Deque<Future<Loaded>> ahead = new ArrayDeque<>();
                int next = 0;
                int window = options.threads() * READ_AHEAD_PER_THREAD;
                for (int i = 0; i < input.size(); i++) {
                    while (next < input.size() && ahead.size() < window) {
                        int index = next++;
                        ahead.add(readers.submit(() -> load(input, index, options.check())));
                    }
                    Loaded loaded = await(ahead.poll());
                    if (loaded.bad() != null) {
                        if (options.onBad() == PackOptions.OnBad.FAIL) {
                            throw loaded.bad();
                        }
                        skipped.add(loaded.bad());
                    } else {
                        bytes += loaded.bytes().remaining();
                        writer.append(input.key(i), input.classId(i), loaded.bytes());
                        written++;
                    }
                    listener.progressed(i + 1, bytes);
                }
                writer.finish();
            }
            StagedOutput.reached("finished");
            staged.commit();
            Path reportFile = report ? writeReport(output, skipped) : null;
            listener.finished();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new PackResult(output, written, List.copyOf(skipped), reportFile, bytes,
                    Containers.bytesOnDisk(options.layout(), output), seconds);
        } finally {
            readers.shutdownNow();
        }
    }

    private static Loaded load(PackInput input, int index, boolean check) throws IOException {
        try {
            ByteBuffer bytes = input.load(index);
            if (check) {
                String problem = ImageCodec.get().problem(bytes);
                if (problem != null) {
                    return new Loaded(null, new BadRecordException(index, input.describe(index), problem));
                }
            }
            return new Loaded(bytes, null);
        } catch (BadRecordException e) {
            return new Loaded(null, e);
        }
    }

    private static Loaded await(Future<Loaded> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("pack interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /**
     * The skipped records, one per line: where each came from, and why. Written beside the output;
     * a report left by an earlier pack of the same output is removed when nothing was skipped.
     */
    static Path writeReport(Path output, List<BadRecordException> skipped) throws IOException {
        Path report = output.resolveSibling(output.getFileName() + ".skipped.txt");
        if (skipped.isEmpty()) {
            Files.deleteIfExists(report);
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (BadRecordException bad : skipped) {
            text.append(bad.getMessage()).append('\n');
        }
        Files.writeString(report, text, StandardCharsets.UTF_8);
        return report;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "bale-pack-reader");
            thread.setDaemon(true);
            return thread;
        };
    }
}
