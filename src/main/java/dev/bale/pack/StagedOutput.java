package dev.bale.pack;

import dev.bale.container.Layout;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    private boolean committed;

    StagedOutput(Layout layout, Path target) {
        this.layout = layout;
        this.target = target.toAbsolutePath().normalize();
        this.staging = this.target.resolveSibling("." + this.target.getFileName() + ".partial-"
                + UUID.randomUUID().toString().substring(0, 8));
        // Ctrl-C or kill (not kill -9) removes the partial files.
        this.cleanupOnExit = new Thread(this::deleteStaging, "bale-pack-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
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
        for (Path old : to) {
            if (Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Path moved = old.resolveSibling("." + old.getFileName() + ".replaced-" + staging.getFileName());
                move(old, moved);
                aside.put(moved, old);
            }
        }
        List<Path> placed = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < from.size(); i++) {
                if (Files.exists(from.get(i))) {
                    move(from.get(i), to.get(i));
                    placed.add(to.get(i));
                }
            }
        } catch (IOException e) {
            // Put back what was there: nothing half-new stays under the final name.
            for (Path file : placed) {
                deleteRecursively(file);
            }
            for (java.util.Map.Entry<Path, Path> old : aside.entrySet()) {
                move(old.getKey(), old.getValue());
            }
            throw e;
        }
        committed = true;
        for (Path old : aside.keySet()) {
            deleteRecursively(old);
        }
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
