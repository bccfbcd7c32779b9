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
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sharded dataset as one {@link Container}: record i is record {@code i - start(s)} of the shard s
 * that holds it, class ids are global. Local shards are all opened at once; remote ones when a
 * reader first touches them (each fetched whole into the cache), so a rank that reads a few shards
 * downloads only those. Closing the dataset closes every shard it opened.
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
    private final AtomicReferenceArray<Container> shards;
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

    /**
     * The open container of shard {@code s}, fetched and opened on first use. Its class ids join the
     * global array before it is returned.
     */
    public Container shard(int s) {
        Container open = shards.get(s);
        if (open != null) {
            return open;
        }
        synchronized (opening[s]) {
            open = shards.get(s);
            if (open != null) {
                return open;
            }
            if (closed) {
                throw new IllegalStateException(location + " is closed");
            }
            DatasetManifest.Shard entry = dataset.shards().get(s);
            Path local;
            try {
                local = store.acquire(s);
            } catch (IOException e) {
                throw new UncheckedIOException(store.describe(s) + ": " + e.getMessage(), e);
            }
            try {
                open = Containers.open(local);
                check(s, entry, open);
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
            System.arraycopy(open.classIds(), 0, classIds, start(s), open.size());
            shards.set(s, open);
            return open;
        }
    }

    private void check(int s, DatasetManifest.Shard entry, Container open) {
        String where = store.describe(s) + ": shard " + s;
        if (open.layout() != layout) {
            throw new CorruptContainerException(where + " is " + open.layout().id() + ", the dataset is " + layout.id());
        }
        if (open.size() != entry.records()) {
            throw new CorruptContainerException(where + " holds " + open.size() + " records, dataset.json says " + entry.records());
        }
        if (!open.manifest().classes().equals(dataset.classes())) {
            throw new CorruptContainerException(where + " has another class list than dataset.json");
        }
        for (int id : open.classIds()) {
            if (id < 0 || (!dataset.classes().isEmpty() && id >= dataset.classes().size())) {
                throw new CorruptContainerException(where + " has class id " + id + ", outside the class list");
            }
        }
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

    /** Whether shard {@code s} is open (for a remote dataset: fetched). */
    public boolean isOpen(int s) {
        return shards.get(s) != null;
    }

    /**
     * Starts fetching and opening shard {@code s} in the background (up to 4 at once), so that a
     * reader finds it ready. A failure is not reported here: the reader that needs the shard meets it.
     */
    public void prefetch(int s) {
        if (fetchers == null || closed || shards.get(s) != null) {
            return;
        }
        try {
            fetchers.execute(() -> {
                try {
                    if (!closed) {
                        shard(s);
                    }
                } catch (RuntimeException e) {
                    // Reported to the reader that needs the shard.
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
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
                Container open = shards.getAndSet(s, null);
                if (open != null) {
                    open.close();
                    store.release(s);
                }
            }
        }
        store.close();
    }

    /** One thread's readers of the shards it touched. */
    private final class Reader implements RecordReader {
        private final RecordReader[] readers = new RecordReader[shardCount()];

        private RecordReader reader(int s) {
            RecordReader reader = readers[s];
            if (reader == null) {
                long started = System.nanoTime();
                reader = shard(s).newReader();
                readerWaitNanos.add(System.nanoTime() - started);
                readers[s] = reader;
            }
            return reader;
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
                if (readers[s] != null) {
                    readers[s].close();
                    readers[s] = null;
                }
            }
        }
    }
}
