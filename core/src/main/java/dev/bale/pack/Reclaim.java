package dev.bale.pack;

import dev.bale.container.Layout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cleans up after packs to an output that died (SIGKILL, power loss) and so never ran their own
 * cleanup. A pack holds an OS file lock on {@code .OUT.partial-T.lock} for as long as it runs
 * (released by the kernel when the process dies, however it dies); whatever carries a token
 * {@code T} whose lock nobody holds is dead: its staging files are removed, and a replacement it
 * was in the middle of is finished or rolled back, so that OUT is the old container or the new one,
 * complete. Staging files of a live pack are left alone.
 */
public final class Reclaim {
    private static final String PARTIAL = ".partial-";
    private static final String REPLACED = ".replaced-";

    /**
     * @param entries     files and folders removed
     * @param bytes       space they took
     * @param restored    old container files moved back into place (a replacement rolled back)
     */
    public record Result(int entries, long bytes, int restored) {
        public boolean isEmpty() {
            return entries == 0 && restored == 0;
        }

        @Override
        public String toString() {
            return String.format("removed %d dead staging entr%s of interrupted packs, freed %,d bytes%s", entries,
                    entries == 1 ? "y" : "ies", bytes, restored > 0 ? ", restored " + restored + " file(s) of the previous container" : "");
        }
    }

    private Reclaim() {
    }

    /** Reclaims what dead packs to {@code target} (of {@code layout}) left beside it. */
    public static Result reclaim(Layout layout, Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return new Result(0, 0, 0);
        }
        String prefix = "." + absolute.getFileName() + ".";
        Map<String, List<Path>> byToken = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(parent)) {
            for (Path entry : list.toList()) {
                String name = entry.getFileName().toString();
                int at = name.lastIndexOf(PARTIAL);
                if (name.startsWith(prefix) && at >= 0 && name.length() >= at + PARTIAL.length() + 8) {
                    String token = name.substring(at + PARTIAL.length(), at + PARTIAL.length() + 8);
                    byToken.computeIfAbsent(token, t -> new ArrayList<>()).add(entry);
                }
            }
        }
        int entries = 0;
        long bytes = 0;
        int restored = 0;
        for (Map.Entry<String, List<Path>> group : byToken.entrySet()) {
            Path staging = parent.resolve("." + absolute.getFileName() + PARTIAL + group.getKey());
            Path lock = lockOf(staging);
            if (isLive(lock)) {
                continue;
            }
            restored += finishReplacement(layout, absolute, staging);
            for (Path entry : group.getValue()) {
                if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS) && !entry.equals(lock)) {
                    bytes += size(entry);
                    StagedOutput.deleteRecursively(entry);
                    entries++;
                }
            }
            Files.deleteIfExists(lock);
        }
        return new Result(entries, bytes, restored);
    }

    static Path lockOf(Path staging) {
        return staging.resolveSibling(staging.getFileName() + ".lock");
    }

    /**
     * A pack killed between moving the old container aside and placing the new one: if the new main
     * file made it (it goes last), only the old files' removal was left; otherwise the new files
     * placed so far go and the old ones come back. Returns the files moved back.
     */
    private static int finishReplacement(Layout layout, Path target, Path staging) throws IOException {
        List<Path> finals = layout.files(target);
        Map<Path, Path> aside = new LinkedHashMap<>();
        for (Path file : finals) {
            Path moved = StagedOutput.asideName(file, staging);
            if (Files.exists(moved, LinkOption.NOFOLLOW_LINKS)) {
                aside.put(file, moved);
            }
        }
        if (aside.isEmpty() || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return 0; // nothing was moved aside, or the new container is complete: the caller deletes the rest
        }
        List<Path> staged = layout.files(staging);
        for (int i = 0; i < finals.size(); i++) {
            // A new file left its staging name when it was placed: what sits at a final name while
            // its staged counterpart is gone is the dead pack's; the rest is the old container's.
            if (!Files.exists(staged.get(i), LinkOption.NOFOLLOW_LINKS)) {
                StagedOutput.deleteRecursively(finals.get(i));
            }
        }
        for (Map.Entry<Path, Path> old : aside.entrySet()) {
            Files.move(old.getValue(), old.getKey());
        }
        return aside.size();
    }

    private static boolean isLive(Path lock) throws IOException {
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return true;
            }
            held.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static long size(Path entry) throws IOException {
        try (Stream<Path> walk = Files.walk(entry)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
