package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntToLongFunction;

/** Raw read throughput: every record once, in a shuffled order, split over threads; warm page cache. */
public final class RawRead {

    /** Records per second and megabytes per second. */
    public record Rate(int threads, double recordsPerSecond, double megabytesPerSecond) {
    }

    private RawRead() {
    }

    /** Reads every record of a container (checksum-verified, as every read is). */
    public static Rate container(Container container, int threads, long seed) {
        int[] order = dev.bale.sample.Sampler.shuffled(container.size(), seed).indices(0);
        return run(order, threads, () -> {
            RecordReader reader = container.newReader();
            return new Reading(i -> reader.read(i).remaining(), reader::close);
        });
    }

    /** Reads every small file, as a loader over the files would: open, read, close. */
    public static Rate files(List<Path> files, int threads, long seed) {
        int[] order = dev.bale.sample.Sampler.shuffled(files.size(), seed).indices(0);
        return run(order, threads, () -> new Reading(i -> {
            try {
                return Files.readAllBytes(files.get(i)).length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, () -> { }));
    }

    private record Reading(IntToLongFunction read, Runnable close) {
    }

    private interface ReadingFactory {
        Reading open();
    }

    /**
     * One untimed pass, then the timed one: the first pass in a process also maps the pages into
     * it (a minor fault per 4 KiB), which a training run pays once, not every epoch.
     */
    private static Rate run(int[] order, int threads, ReadingFactory factory) {
        pass(order, threads, factory);
        return pass(order, threads, factory);
    }

    private static Rate pass(int[] order, int threads, ReadingFactory factory) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) order.length * t / threads);
                int to = (int) ((long) order.length * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    Reading reading = factory.open();
                    long bytes = 0;
                    try {
                        for (int k = from; k < to; k++) {
                            bytes += reading.read().applyAsLong(order[k]);
                        }
                    } finally {
                        reading.close().run();
                    }
                    return bytes;
                }));
            }
            long bytes = 0;
            for (Future<Long> part : parts) {
                bytes += part.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Rate(threads, order.length / seconds, bytes / 1e6 / seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What {@code cat FILE > /dev/null} achieves on {@code file}, in MB/s: the floor any reader
     * shares. cat reads the file five times in one process, so that starting it hardly counts.
     */
    public static double catMegabytesPerSecond(Path file) throws IOException, InterruptedException {
        int times = 5;
        List<String> command = new ArrayList<>(List.of("cat"));
        for (int i = 0; i < times; i++) {
            command.add(file.toString());
        }
        long start = System.nanoTime();
        Process cat = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (cat.waitFor() != 0) {
            throw new IOException("cat " + file + " failed");
        }
        return times * Files.size(file) / 1e6 / ((System.nanoTime() - start) / 1e9);
    }
}
