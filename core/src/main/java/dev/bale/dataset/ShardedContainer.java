package dev.bale.dataset;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sharded dataset as one {@link Container}: record i is record {@code i - start(s)} of the shard s
 * that holds it, class ids are global. Local shards are all opened at once; remote ones when a
 * reader first touches them (each fetched whole into the cache), so a rank that reads a few shards
 * downloads only those. A remote shard the epoch no longer needs can be {@link #retire retired}: it is
 * closed and unpinned (evictable) once no reader thread uses it, so one process can stream a dataset
 * larger than the cache limit. Closing the dataset closes every shard it opened.
 */
public final class ShardedContainer implements Container {
    /** Shards fetched in parallel by {@link #prefetch}. */
    private static final int FETCH_THREADS = 4;
    private final String location;
    private final Path path;
    private final DatasetManifest dataset;
    private final ShardStore store;
    private final Layout layout;
    private final Manifest manifest;
    private final long[] starts; // starts[s] = first global index of shard s; starts[shards] = size
    private final int[] classIds;
    private final AtomicReferenceArray<Open> shards;
    /** Counts {@link #retire} calls, so that readers notice cheaply when to drop their retired shards. */
    private final AtomicInteger retirements = new AtomicInteger();
    /** Per shard, how often it was retired: a prefetch queued before a retirement is dropped. */
    private final AtomicIntegerArray retiredTimes;
    /** Per shard, guarded by opening[s]: retired and not asked for since, so it opens retired (read, then let go). */
    private final boolean[] unwanted;
    private final Object[] opening;
    private final ExecutorService fetchers;
    private final LongAdder readerWaitNanos = new LongAdder();
    private volatile boolean closed;

    ShardedContainer(String location, Path path, DatasetManifest dataset, ShardStore store) throws IOException {
        this.location = location;
        this.path = path;
        this.dataset = dataset;
        this.store = store;
        this.layout = dataset.layoutValue();
        int n = dataset.shards().size();
        this.starts = new long[n + 1];
        for (int s = 0; s < n; s++) {
            starts[s + 1] = starts[s] + dataset.shards().get(s).records();
        }
        this.classIds = new int[(int) dataset.records()];
        Arrays.fill(classIds, -1);
        this.shards = new AtomicReferenceArray<>(n);
        this.opening = new Object[n];
        this.retiredTimes = new AtomicIntegerArray(n);
        this.unwanted = new boolean[n];
        for (int s = 0; s < n; s++) {
            opening[s] = new Object();
        }
        this.fetchers = store.local() ? null : Executors.newFixedThreadPool(FETCH_THREADS, r -> {
            Thread thread = new Thread(r, "bale-shard-fetch");
            thread.setDaemon(true);
            return thread;
        });
        this.manifest = new Manifest(Manifest.FORMAT, Manifest.VERSION, layout.id(), (int) dataset.records(),
                dataset.classes(), dataset.bytes(), DatasetManifest.FORMAT);
        if (store.local()) {
            try {
                for (int s = 0; s < n; s++) {
                    shard(s);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** The dataset.json path or URL this was opened from. */
    public String location() {
        return location;
    }

    public DatasetManifest dataset() {
        return dataset;
    }

    public int shardCount() {
        return dataset.shards().size();
    }

    /** Records per shard, in order. */
    public int[] shardRecords() {
        return dataset.shardRecords();
    }

    /** The first global index of shard {@code shard}. */
    public int start(int shard) {
        return (int) starts[shard];
    }

    /** The shard holding global record {@code index}. */
    public int shardOf(int index) {
        if (index < 0 || index >= classIds.length) {
            throw new IndexOutOfBoundsException("record " + index + " is not in [0, " + classIds.length + ")");
        }
        int s = Arrays.binarySearch(starts, index);
        if (s >= 0) {
            while (s + 1 < starts.length && starts[s + 1] == index) {
                s++; // skip empty shards
            }
            return s;
        }
        return -s - 2;
    }

    /** An open shard: its container, the reader threads using it, and whether the epoch is done with it. */
    private static final class Open {
        final Container container;
        int readers; // guarded by opening[s]
        volatile boolean retired;

        Open(Container container) {
            this.container = container;
        }
    }

    /**
     * The open container of shard {@code s}, fetched and opened on first use. Its class ids join the
     * global array before it is returned. A retired shard asked for again is kept open.
     */
    public Container shard(int s) {
        Open open = shards.get(s);
        if (open != null && !open.retired) {
            return open.container;
        }
        synchronized (opening[s]) {
            return wanted(s).container;
        }
    }

    /** Under opening[s]: the shard's handle, opened if need be, and no longer retired. */
    private Open wanted(int s) {
        Open open = open(s);
        open.retired = false;
        unwanted[s] = false;
        return open;
    }

    /** Under opening[s]: the shard's open handle, retired or not, fetching and opening it if there is none. */
    private Open open(int s) {
        Open handle = shards.get(s);
        if (handle != null) {
            return handle;
        }
        if (closed) {
            throw new IllegalStateException(location + " is closed");
        }
        if (store instanceof RangeShards ranged) {
            Container open;
            try {
                open = ranged.open(s);
            } catch (IOException e) {
                throw new UncheckedIOException(store.describe(s) + ": " + e.getMessage(), e);
            }
            check(s, open);
            return opened(s, open);
        }
        Path local;
        try {
            local = store.acquire(s);
        } catch (IOException e) {
            throw new UncheckedIOException(store.describe(s) + ": " + e.getMessage(), e);
        }
        Container open = null;
        try {
            open = Containers.open(local);
            check(s, open);
        } catch (IOException | RuntimeException e) {
            if (open != null) {
                open.close();
            }
            store.release(s);
            if (e instanceof CorruptContainerException c) {
                throw c;
            }
            throw new CorruptContainerException(store.describe(s) + ": shard " + s + " does not open: " + e.getMessage(), e);
        }
        return opened(s, open);
    }

    private Open opened(int s, Container open) {
        System.arraycopy(open.classIds(), 0, classIds, start(s), open.size());
        Open handle = new Open(open);
        handle.retired = unwanted[s];
        shards.set(s, handle);
        return handle;
    }

    /**
     * Says that shard {@code s} is not needed until it is asked for again (the loader calls this once the
     * epoch's last record of the shard is handed out): it is closed and released to the cache — where it
     * may be evicted — as soon as no reader thread uses it; reader threads let go of it at their next
     * read. Only remote shards are retired; local ones stay open.
     */
    public void retire(int s) {
        if (store.local()) {
            return;
        }
        synchronized (opening[s]) {
            // Also when it is not open (yet): a reader that opens it later lets go of it after use.
            unwanted[s] = true;
            retiredTimes.incrementAndGet(s);
            Open handle = shards.get(s);
            if (handle == null || handle.retired) {
                return;
            }
            handle.retired = true;
            retirements.incrementAndGet();
            if (handle.readers == 0) {
                closeShard(s, handle);
            }
        }
    }

    /** Under opening[s]. */
    private void closeShard(int s, Open handle) {
        if (shards.compareAndSet(s, handle, null)) {
            handle.container.close();
            store.release(s);
        }
    }

    /** How many shards are open now (for a remote dataset: pinned in the cache by this dataset). */
    public int openShards() {
        int n = 0;
        for (int s = 0; s < shardCount(); s++) {
            if (shards.get(s) != null) {
                n++;
            }
        }
        return n;
    }

    private void check(int s, Container open) {
        ShardChecks.agrees(dataset, s, open, store.describe(s) + ": shard " + s);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return layout;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Global class ids. Entries of a remote shard not opened yet are -1 until its first read (a
     * reader fills them before it returns a record of that shard); {@link #openAll} fills them all.
     */
    @Override
    public int[] classIds() {
        return classIds;
    }

    /** What the shard cache did for this dataset (null for a local dataset). */
    public ShardCache.Stats cacheStats() {
        return store instanceof RemoteShards remote ? remote.cache().stats() : null;
    }

    /** Seconds readers spent waiting for shards to be fetched and opened (summed over reader threads). */
    public double readerWaitSeconds() {
        return readerWaitNanos.sum() / 1e9;
    }

    /** Whether the shards come from a remote store (through the cache). */
    public boolean remote() {
        return !store.local();
    }

    /** Whether shard {@code s} is open and not retired (for a remote dataset: fetched). */
    public boolean isOpen(int s) {
        Open open = shards.get(s);
        return open != null && !open.retired;
    }

    /**
     * Starts fetching and opening shard {@code s} in the background (up to 4 at once), so that a
     * reader finds it ready. A failure is not reported here: the reader that needs the shard meets it.
     */
    public void prefetch(int s) {
        if (fetchers == null || closed || isOpen(s)) {
            return;
        }
        int retiredBefore = retiredTimes.get(s);
        try {
            fetchers.execute(() -> {
                try {
                    if (!closed) {
                        synchronized (opening[s]) {
                            // Retired since it was asked for: the workers were faster, the epoch is done with it.
                            if (retiredTimes.get(s) == retiredBefore) {
                                wanted(s);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    // Reported to the reader that needs the shard.
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    /** Whether records are read by ranged requests, nothing cached ({@code --no-cache}). */
    public boolean rangeReads() {
        return store instanceof RangeShards;
    }

    /** Records requested ahead by ranged reads at most; see {@link #prefetchRecord}. */
    public int recordsInFlight() {
        return RangeShards.IN_FLIGHT;
    }

    /**
     * With ranged reads: starts fetching record {@code index} (its shard's index first, if need be), so
     * that the reader that needs it soon finds it arrived. A failure meets that reader.
     */
    public void prefetchRecord(int index) {
        if (!rangeReads() || closed) {
            return;
        }
        int s = shardOf(index);
        try {
            if (shard(s) instanceof RangeBinShard ranged) {
                ranged.prefetch(index - start(s));
            }
        } catch (RuntimeException e) {
            // Reported to the reader that needs the shard.
        }
    }

    /** Opens (for a remote dataset: fetches) every shard. */
    public void openAll() {
        for (int s = 0; s < shardCount(); s++) {
            shard(s);
        }
    }

    /**
     * True: every shard opens only with its own metadata checksummed (an older, unchecksummed shard
     * is refused), is checked against dataset.json (layout, count, classes, class ids) and, when
     * fetched, against its sha256.
     */
    @Override
    public boolean metadataChecksummed() {
        return true;
    }

    /** Every shard's whole-file metadata checks (opening each shard), each problem naming its shard. */
    @Override
    public java.util.List<String> verifyMetadata() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (int s = 0; s < shardCount(); s++) {
            for (String problem : shard(s).verifyMetadata()) {
                problems.add(store.describe(s) + ": " + problem);
            }
        }
        return problems;
    }

    @Override
    public RecordReader newReader() {
        return new Reader();
    }

    @Override
    public long bytesOnDisk() {
        return dataset.bytes();
    }

    @Override
    public void close() {
        closed = true;
        if (fetchers != null) {
            fetchers.shutdownNow();
            try {
                fetchers.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int s = 0; s < shardCount(); s++) {
            synchronized (opening[s]) {
                Open open = shards.getAndSet(s, null);
                if (open != null) {
                    open.container.close();
                    store.release(s);
                }
            }
        }
        store.close();
    }

    /** One thread's readers of the shards it touched. */
    private final class Reader implements RecordReader {
        private final RecordReader[] readers = new RecordReader[shardCount()];
        private final Open[] handles = new Open[shardCount()];
        private int seenRetirements = retirements.get();

        private RecordReader reader(int s) {
            int now = retirements.get();
            if (now != seenRetirements) {
                seenRetirements = now;
                for (int t = 0; t < readers.length; t++) {
                    // The shard being read now stays: this thread still needs it (it retires when dropped later).
                    if (t != s && handles[t] != null && handles[t].retired) {
                        drop(t);
                    }
                }
            }
            RecordReader reader = readers[s];
            if (reader == null) {
                long started = System.nanoTime();
                Open handle;
                synchronized (opening[s]) {
                    handle = open(s);
                    handle.readers++;
                }
                try {
                    reader = handle.container.newReader();
                } catch (RuntimeException e) {
                    handles[s] = handle;
                    drop(s);
                    throw e;
                }
                readerWaitNanos.add(System.nanoTime() - started);
                readers[s] = reader;
                handles[s] = handle;
                if (handle.retired) {
                    seenRetirements--; // opened already retired: let go of it at the next read
                }
            }
            return reader;
        }

        /** Closes this thread's reader of shard {@code s}; the last reader of a retired shard closes it. */
        private void drop(int s) {
            if (readers[s] != null) {
                readers[s].close();
                readers[s] = null;
            }
            Open handle = handles[s];
            handles[s] = null;
            synchronized (opening[s]) {
                if (--handle.readers == 0 && handle.retired) {
                    closeShard(s, handle);
                }
            }
        }

        @Override
        public ByteBuffer read(int index) {
            int s = shardOf(index);
            int local = index - start(s);
            try {
                return reader(s).read(local);
            } catch (CorruptContainerException e) {
                throw new CorruptContainerException("record " + index + " (shard " + s + ", "
                        + store.describe(s) + ", record " + local + "): " + e.getMessage(), e);
            } catch (UncheckedIOException e) { // ranged reads (--no-cache): the request failed for good
                throw new UncheckedIOException("record " + index + " (shard " + s + ", "
                        + store.describe(s) + ", record " + local + "): " + e.getMessage(), e.getCause());
            }
        }

        @Override
        public String key(int index) {
            int s = shardOf(index);
            return reader(s).key(index - start(s));
        }

        @Override
        public void close() {
            for (int s = 0; s < readers.length; s++) {
                if (handles[s] != null) {
                    drop(s);
                }
            }
        }
    }
}
