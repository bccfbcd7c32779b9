package dev.bale.dataset;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Whole shards on local disk, shared by every process on the machine.
 *
 * <p>Layout: {@code shards/KEY/} holds a complete, SHA-256-checked shard (KEY is its sha256 and
 * name); it appears only by the rename of a finished {@code shards/KEY.tmp-*} folder, so nothing
 * half-written is ever under a complete name. {@code locks/KEY.lock} guards each shard: a process
 * using the shard holds a shared lock on it, the one downloading (or evicting) it an exclusive one.
 * The operating system drops the locks of a killed process, so what it leaves blocks nothing; its
 * temporary folder is deleted by the next process that takes that shard's exclusive lock.
 * {@code cache.lock} serializes admissions: before a download, least recently used shards that
 * no process has locked are evicted until the new one fits the limit.
 */
public final class ShardCache {
    /** Locks held by this JVM, per lock file: a JVM may hold one lock per file, so its users share it. */
    private static final Map<Path, Pin> PINS = new HashMap<>();
    private static final Object ADMISSION = new Object();

    private final Path shards;
    private final Path locks;
    private final long limit;
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadedBytes = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong fetchNanos = new AtomicLong();

    /** Writes a shard's files into a folder. */
    public interface Download {
        void into(Path folder) throws IOException;
    }

    private static final class Pin {
        /** Held while a thread of this JVM acquires, releases or evicts the shard. */
        final ReentrantLock mutex = new ReentrantLock();
        FileChannel channel;
        FileLock lock;
        int users;
    }

    public ShardCache(Path folder, long limit) throws IOException {
        this.shards = Files.createDirectories(folder.resolve("shards"));
        this.locks = Files.createDirectories(folder.resolve("locks"));
        this.limit = limit;
    }

    /**
     * The folder holding the shard's files, complete and checked against {@code shard.sha256()}:
     * from the cache, or downloaded into it (other processes downloading the same shard are waited
     * for). The shard is pinned until {@link #release}.
     *
     * @throws CorruptContainerException if what was downloaded does not match the sha256
     */
    public Path acquire(String key, DatasetManifest.Shard shard, Download download) throws IOException {
        long started = System.nanoTime();
        Path complete = shards.resolve(key);
        Path lockFile = locks.resolve(key + ".lock");
        Pin pin;
        synchronized (PINS) {
            pin = PINS.computeIfAbsent(lockFile, p -> new Pin());
        }
        pin.mutex.lock();
        try {
            try {
                if (pin.users > 0) {
                    pin.users++;
                    hits.incrementAndGet();
                    touch(complete);
                    return complete;
                }
                pin.channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                boolean fetched = false;
                while (true) {
                    FileLock shared = pin.channel.lock(0, Long.MAX_VALUE, true);
                    if (isComplete(complete, shard)) {
                        pin.lock = shared;
                        pin.users = 1;
                        if (!fetched) {
                            hits.incrementAndGet();
                        }
                        touch(complete);
                        return complete;
                    }
                    shared.release();
                    try (FileLock exclusive = pin.channel.lock()) {
                        if (!isComplete(complete, shard)) {
                            fetch(key, complete, shard, download);
                            fetched = true;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (pin.users == 0 && pin.channel != null) {
                    pin.channel.close(); // drops any lock on it
                    pin.channel = null;
                }
                throw e;
            } finally {
                fetchNanos.addAndGet(System.nanoTime() - started);
            }
        } finally {
            pin.mutex.unlock();
        }
    }

    /** Under the shard's exclusive lock: clears leftovers, makes room, downloads, checks, renames. */
    private void fetch(String key, Path complete, DatasetManifest.Shard shard, Download download) throws IOException {
        if (Files.exists(complete, LinkOption.NOFOLLOW_LINKS)) {
            discard(complete); // sizes do not match dataset.json: not ours to trust
        }
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(shards, key + ".tmp-*")) {
            for (Path leftover : stale) {
                deleteTree(leftover); // a killed process's partial download: we hold the lock, so its owner is gone
            }
        }
        admit(shard.bytes(), key);
        Path temp = shards.resolve(key + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(temp);
        try {
            download.into(temp);
            String sha = ShardFiles.sha256(temp, shard.files());
            if (!sha.equals(shard.sha256())) {
                throw new CorruptContainerException("downloaded bytes have sha256 " + sha + ", dataset.json says "
                        + shard.sha256() + ": the shard is damaged at its source (or was changed in flight)");
            }
            move(temp, complete);
            downloads.incrementAndGet();
            downloadedBytes.addAndGet(shard.bytes());
        } finally {
            if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(temp);
            }
        }
    }

    /**
     * Ends one acquire; the last user in this JVM drops its lock, making the shard evictable, and the
     * cache is brought back under its limit (shards read while others were pinned may have taken it
     * over), so that a process streaming more than the limit holds only the shards it uses.
     */
    public void release(String key) {
        if (unpin(key)) {
            try {
                admit(0, null);
            } catch (IOException e) {
                // Trimming is retried before the next download.
            }
        }
    }

    /** Whether this was the JVM's last user of the shard. */
    private boolean unpin(String key) {
        Pin pin;
        synchronized (PINS) {
            pin = PINS.get(locks.resolve(key + ".lock"));
        }
        if (pin == null) {
            return false;
        }
        pin.mutex.lock();
        try {
            if (pin.users > 0 && --pin.users == 0) {
                try {
                    pin.channel.close();
                } catch (IOException e) {
                    // Closing releases the lock even when it reports an error.
                }
                pin.channel = null;
                pin.lock = null;
                return true;
            }
            return false;
        } finally {
            pin.mutex.unlock();
        }
    }

    private static boolean isComplete(Path folder, DatasetManifest.Shard shard) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        for (DatasetManifest.ShardFile file : shard.files()) {
            Path path = folder.resolve(file.name());
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.size(path) != file.bytes()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Evicts least recently used complete shards that no process holds until {@code bytes} more fit
     * under the limit. When every remaining shard is in use the limit is exceeded rather than a
     * reader failed: in use means some process is reading it.
     */
    private void admit(long bytes, String admitting) throws IOException {
        synchronized (ADMISSION) {
            try (FileChannel channel = FileChannel.open(shards.getParent().resolve("cache.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                record Entry(Path path, String key, long bytes, FileTime used) {
                }
                List<Entry> entries = new ArrayList<>();
                long total = 0;
                try (DirectoryStream<Path> all = Files.newDirectoryStream(shards)) {
                    for (Path path : all) {
                        String name = path.getFileName().toString();
                        if (name.contains(".evict-")) {
                            deleteTree(path);
                        } else if (!name.contains(".tmp-")) {
                            long size = treeSize(path);
                            total += size;
                            entries.add(new Entry(path, name, size, Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS)));
                        }
                    }
                }
                entries.sort(Comparator.comparing(Entry::used));
                for (Entry entry : entries) {
                    if (total + bytes <= limit) {
                        break;
                    }
                    if (!entry.key().equals(admitting) && evict(entry.path(), entry.key())) {
                        total -= entry.bytes();
                    }
                }
            }
        }
    }

    /** Deletes a complete shard if no process uses it (its exclusive lock can be had now). */
    private boolean evict(Path folder, String key) throws IOException {
        Path lockFile = locks.resolve(key + ".lock");
        Pin pin;
        synchronized (PINS) {
            pin = PINS.computeIfAbsent(lockFile, p -> new Pin());
        }
        // Never wait here: a thread of this JVM busy with the shard may itself be waiting to admit.
        if (!pin.mutex.tryLock()) {
            return false;
        }
        try {
            return pin.users == 0 && evictUnlocked(folder, lockFile);
        } finally {
            pin.mutex.unlock();
        }
    }

    private boolean evictUnlocked(Path folder, Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // this JVM is downloading it
            }
            if (lock == null) {
                return false;
            }
            discard(folder);
            evictions.incrementAndGet();
            return true;
        }
    }

    /** Renames a complete shard away first, so that no one ever sees it half deleted. */
    private void discard(Path folder) throws IOException {
        Path away = folder.resolveSibling(folder.getFileName() + ".evict-" + UUID.randomUUID().toString().substring(0, 8));
        move(folder, away);
        deleteTree(away);
    }

    private static void touch(Path folder) {
        try {
            Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Only the eviction order suffers.
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static long treeSize(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Bytes of complete shards in the cache now. */
    public long bytes() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(shards)) {
            for (Path path : all) {
                String name = path.getFileName().toString();
                if (!name.contains(".tmp-") && !name.contains(".evict-")) {
                    total += treeSize(path);
                }
            }
        }
        return total;
    }

    /**
     * What this cache object did: shards downloaded and their bytes, hits, evictions, and the time
     * spent acquiring shards (downloads included, summed over the threads that fetched them).
     */
    public record Stats(long downloads, long downloadedBytes, long hits, long evictions, double fetchSeconds) {
        @Override
        public String toString() {
            return String.format("%d shards downloaded (%,d bytes), %d cache hits, %d evicted, %.2f s fetching",
                    downloads, downloadedBytes, hits, evictions, fetchSeconds);
        }
    }

    public Stats stats() {
        return new Stats(downloads.get(), downloadedBytes.get(), hits.get(), evictions.get(), fetchNanos.get() / 1e9);
    }
}
