package dev.bale.pack;

import dev.bale.container.Layout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A container written under a hidden temporary name beside its final one, renamed into place only
 * when complete. Until then nothing under the final name exists or changes; an interrupted pack
 * leaves at most a ".name.partial-*" entry, which opens as nothing.
 */
final class StagedOutput implements AutoCloseable {
    private final Layout layout;
    private final Path target;
    private final Path staging;
    private final Thread cleanupOnExit;
    /** Held while the pack lives: {@link Reclaim} leaves staging files alone while someone holds it. */
    private final FileChannel lockChannel;
    private boolean committed;

    StagedOutput(Layout layout, Path target) throws IOException {
        this.layout = layout;
        this.target = target.toAbsolutePath().normalize();
        this.staging = this.target.resolveSibling("." + this.target.getFileName() + ".partial-"
                + UUID.randomUUID().toString().substring(0, 8));
        // The lock exists before any staging file does, so that no live staging file is ever unowned.
        this.lockChannel = FileChannel.open(Reclaim.lockOf(staging), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (lockChannel.tryLock() == null) {
            lockChannel.close();
            throw new IOException(Reclaim.lockOf(staging) + ": cannot lock");
        }
        // Ctrl-C or kill (not kill -9) removes the partial files.
        this.cleanupOnExit = new Thread(this::deleteStaging, "bale-pack-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Where {@code old} is moved while the container from {@code staging} replaces it. */
    static Path asideName(Path old, Path staging) {
        return old.resolveSibling("." + old.getFileName() + ".replaced-" + staging.getFileName());
    }

    /**
     * For tests that kill a pack at each step of its finish: {@code -Dbale.test.haltAt=POINT} stops
     * the JVM on the spot (no shutdown hooks, as SIGKILL or a power cut would) when the pack reaches
     * POINT: {@code finished} (container written and flushed), {@code aside-N} (N-th old file moved
     * aside), {@code placed-N} (N-th new file in place), {@code committed} (before the old files
     * are deleted), {@code cleaned} (after).
     */
    static void reached(String point) {
        if (point.equals(System.getProperty("bale.test.haltAt"))) {
            Runtime.getRuntime().halt(86);
        }
    }

    /** Refuses an output that exists (unless forced) or whose folder cannot be written. */
    static void checkWritable(Layout layout, Path target, boolean force) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("output folder " + parent + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new IOException("output folder " + parent + " is not writable");
        }
        if (!force) {
            for (Path file : layout.files(absolute)) {
                if (Files.exists(file)) {
                    throw new FileAlreadyExistsException(file.toString(), null, "output exists (use --force to replace it)");
                }
            }
        }
    }

    /** The main path to write the container to. */
    Path staging() {
        return staging;
    }

    /**
     * Moves every file into place, the main one last. What was there (when forced) is first moved
     * aside, and deleted only once the new container is in place.
     */
    void commit() throws IOException {
        List<Path> from = layout.files(staging);
        List<Path> to = layout.files(target);
        java.util.Map<Path, Path> aside = new java.util.LinkedHashMap<>(); // moved aside -> where it was
        // The main file first: once anything has moved, nothing opens under the final name (rather
        // than an old main file with a sidecar missing), and Reclaim knows to roll back.
        for (Path old : reversed(to)) {
            if (Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Path moved = asideName(old, staging);
                move(old, moved);
                aside.put(moved, old);
                reached("aside-" + aside.size());
            }
        }
        List<Path> placed = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < from.size(); i++) {
                if (Files.exists(from.get(i))) {
                    move(from.get(i), to.get(i));
                    placed.add(to.get(i));
                    reached("placed-" + placed.size());
                }
            }
        } catch (IOException e) {
            // Put back what was there: nothing half-new stays under the final name.
            for (Path file : placed) {
                deleteRecursively(file);
            }
            List<java.util.Map.Entry<Path, Path>> back = new java.util.ArrayList<>(aside.entrySet());
            java.util.Collections.reverse(back); // the main file last
            for (java.util.Map.Entry<Path, Path> old : back) {
                move(old.getKey(), old.getValue());
            }
            throw e;
        }
        committed = true;
        reached("committed");
        for (Path old : aside.keySet()) {
            deleteRecursively(old);
        }
        reached("cleaned");
    }

    private static List<Path> reversed(List<Path> paths) {
        List<Path> copy = new java.util.ArrayList<>(paths);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            deleteStaging();
        }
        try {
            lockChannel.close();
            Files.deleteIfExists(Reclaim.lockOf(staging));
        } catch (IOException e) {
            // A stale lock file is removed by the next pack's reclaim.
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook runs anyway.
        }
    }

    private void deleteStaging() {
        for (Path file : layout.files(staging)) {
            try {
                deleteRecursively(file);
            } catch (IOException e) {
                // Best effort: a leftover partial file never opens as a container.
            }
        }
        try {
            Files.deleteIfExists(Reclaim.lockOf(staging));
        } catch (IOException e) {
            // The next pack's reclaim removes it.
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
