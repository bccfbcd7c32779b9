package dev.bale.loader;

import dev.bale.container.Container;
import dev.bale.dataset.ShardedContainer;
import dev.bale.nativ.NativeDecoder;
import dev.bale.sample.ElasticSampler;
import dev.bale.sample.EpochPlan;
import dev.bale.sample.Sampler;
import dev.bale.torch.Cuda;
import dev.bale.transform.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.pytorch.global.torch;

/**
 * Streams a container as batches of decoded, transformed images. Java owns the sampler and the
 * worker threads; each worker reads encoded bytes zero-copy from its own reader and calls native
 * code that decodes and transforms straight into its sample's slot of a preallocated batch buffer.
 * Buffers form a ring of {@code prefetch} batches; one is refilled only after the consumer released
 * the batch in it. Batches come out in sampler order whatever the number of workers, and a
 * sample's random augmentation depends only on (seed, epoch, index): the same seed gives the same
 * batches, bit for bit, with 1 or 8 workers.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(container).batchSize(64).workers(4)
 *         .transform(Transform.train()).shuffle(true).seed(1).build()) {
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *         for (Batch batch : loader.epoch(epoch)) {
 *             Tensor x = batch.images(), y = batch.labels();
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    private final Container container;
    private final Sampler sampler;
    private final Transform transform;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;
    private final BadSamplePolicy onBadSample;
    private final int readAheadShards;
    private final SampleHook sampleHook;
    private final int channels;
    private final int height;
    private final int width;
    private final long sampleBytes;
    private final Slot[] ring;
    private final List<Thread> threads = new ArrayList<>();

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every event that someone may wait for: a job posted, a batch ready, a slot freed, a stop. */
    final Condition changed = lock.newCondition();
    volatile Job job;
    volatile boolean closed;
    private Epoch current;
    /** The stretches of the current epoch run before it was resumed (empty when it started afresh). */
    private List<ElasticSampler.Segment> resumedAfter = List.of();
    private LoaderStats lastStats;
    private final java.util.concurrent.atomic.AtomicLong copiesOnRelease = new java.util.concurrent.atomic.AtomicLong();
    /** The consumer's reader for {@link Batch#keys()}, opened on first use. */
    private dev.bale.container.RecordReader keyReader;
    private final boolean jpegRegionDecode;

    private DataLoader(Builder b) {
        this.container = b.container;
        this.transform = b.transform;
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.onBadSample = b.onBadSample;
        this.readAheadShards = b.readAheadShards;
        this.sampleHook = b.sampleHook;
        this.jpegRegionDecode = b.jpegRegionDecode;
        this.sampler = b.sampler != null ? b.sampler
                : b.world > 0 ? Sampler.sharded(container instanceof ShardedContainer dataset ? dataset.shardRecords()
                        : new int[] {container.size()}, b.rank, b.world, b.shuffle, b.seed, b.dropLast, b.shuffleShards)
                : b.shuffle ? Sampler.shuffled(container.size(), b.seed) : Sampler.sequential(container.size());
        int[] shape = SampleShape.of(container, transform, onBadSample);
        this.channels = shape[0];
        this.height = shape[1];
        this.width = shape[2];
        this.sampleBytes = (long) channels * height * width * transform.elementBytes();
        boolean pin = b.device.startsWith("cuda");
        if (pin && !Cuda.available()) {
            throw new IllegalStateException("device " + b.device + " asked for, but no CUDA device is available");
        }
        this.ring = new Slot[b.prefetch];
        try {
            for (int i = 0; i < ring.length; i++) {
                ring[i] = new Slot(sampleBytes * batchSize, batchSize, pin);
            }
            for (int w = 0; w < b.workers; w++) {
                Thread thread = new Thread(new Worker(this), "bale-loader-" + w);
                thread.setDaemon(true);
                threads.add(thread);
            }
        } catch (RuntimeException | Error e) {
            freeRing();
            throw e;
        }
        // The workers are the parallelism: OpenCV's own pool on top would only oversubscribe the
        // cores (measured 3-7% slower). The setting is process-wide.
        NativeDecoder.setOpenCvThreads(1);
        try {
            threads.forEach(Thread::start);
        } catch (RuntimeException | Error e) {
            close(); // stops and joins those that started, frees the ring
            throw e;
        }
    }

    public static Builder builder(Container container) {
        return new Builder(container);
    }

    /** Batches of epoch {@code epoch}, from the first. */
    public Epoch epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /**
     * Batches of epoch {@code epoch} from batch {@code firstBatch} on: exactly those an
     * uninterrupted epoch would have produced from there (to resume a run). Starting an epoch ends
     * the one before, if it is still running.
     */
    public Epoch epoch(int epoch, int firstBatch) {
        if (closed) {
            throw new IllegalStateException("loader is closed");
        }
        return start(epoch, new EpochPlan(sampler.indices(epoch), batchSize, dropLast), firstBatch, List.of());
    }

    /**
     * Where the run is: seed, epoch, and how many samples every rank has taken (in stretches, one
     * per world size the epoch ran with). Taken after a batch has been used, it lets
     * {@link #resume} continue with the next sample, on this or another world size. Needs an
     * {@link ElasticSampler} ({@link Sampler#sharded}).
     */
    public LoaderState state() {
        ElasticSampler elastic = elastic();
        if (current == null) {
            return new LoaderState(seed, 0, List.of());
        }
        if (current.complete()) {
            return new LoaderState(seed, current.number() + 1, List.of());
        }
        List<ElasticSampler.Segment> segments = new ArrayList<>(resumedAfter);
        segments.add(new ElasticSampler.Segment(elastic.world(), current.consumed()));
        return new LoaderState(seed, current.number(), segments);
    }

    /**
     * Continues an epoch from a {@link #state} taken by a run with the same seed, on any number of
     * ranks: this rank gets its part of the samples no rank had taken, none repeated, none skipped.
     */
    public Epoch resume(LoaderState state) {
        if (closed) {
            throw new IllegalStateException("loader is closed");
        }
        ElasticSampler elastic = elastic();
        if (state.seed() != seed || elastic.seed() != seed) {
            throw new IllegalArgumentException("state was taken with seed " + state.seed() + "; this loader's seed is " + seed);
        }
        EpochPlan plan = new EpochPlan(elastic.indices(state.epoch(), state.segments()), batchSize, dropLast);
        return start(state.epoch(), plan, 0, List.copyOf(state.segments()));
    }

    private ElasticSampler elastic() {
        if (sampler instanceof ElasticSampler elastic) {
            return elastic;
        }
        throw new IllegalStateException("state and resume need an elastic sampler (Sampler.sharded); use epoch(e, batch) otherwise");
    }

    private Epoch start(int epoch, EpochPlan plan, int firstBatch, List<ElasticSampler.Segment> segments) {
        if (current != null) {
            current.close();
        }
        if (firstBatch < 0 || firstBatch > plan.batches()) {
            throw new IllegalArgumentException("epoch " + epoch + " has " + plan.batches() + " batches; cannot start at " + firstBatch);
        }
        resumedAfter = segments;
        Job next = new Job(epoch, plan, firstBatch);
        for (int k = 0; k < ring.length; k++) {
            ring[k].filled.set(0);
            ring[k].ready = -1;
            ring[k].assigned = firstBatch + k;
        }
        lock.lock();
        try {
            job = next;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (container instanceof ShardedContainer dataset && dataset.remote() && readAheadShards > 0) {
            ShardReadAhead.start(dataset, next, readAheadShards);
        }
        current = new Epoch(this, next);
        return current;
    }

    /** Number of batches epoch {@code epoch} has. */
    public int batches(int epoch) {
        return new EpochPlan(sampler.indices(epoch), batchSize, dropLast).batches();
    }

    Slot slotOf(Job job, int batch) {
        return ring[(batch - job.firstBatch) % ring.length];
    }

    /** Called by a batch's close: the slot may now be filled with the batch {@code ring.length} later. */
    void release(Slot slot, int batch) {
        lock.lock();
        try {
            slot.holder = null;
            slot.filled.set(0);
            slot.ready = -1;
            slot.assigned = batch + ring.length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the job and waits until no worker touches a slot any more. Not interruptible: returning
     * early would let a worker write into a slot that the next epoch, or close, reuses.
     */
    void finish(Job finished) {
        lock.lock();
        try {
            finished.aborted = true;
            changed.signalAll();
            while (finished.workersDone.get() < liveWorkers() && !closed) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Workers still running; one that died (an Error) never reports a job done. */
    int liveWorkers() {
        int live = 0;
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                live++;
            }
        }
        return live;
    }

    void countCopiesOnRelease(int copies) {
        if (copies > 0) {
            copiesOnRelease.addAndGet(copies);
        }
    }

    /**
     * Tensors whose data had to be copied out when their batch was released, because something still
     * used them (see {@link Batch}). Zero in a loop that frees each step's tensors (a PointerScope per
     * step) and keeps batches by {@link Batch#hold()}.
     */
    public long copiesOnRelease() {
        return copiesOnRelease.get();
    }

    void recordStats(LoaderStats stats) {
        lastStats = stats;
    }

    /** Stats of the last epoch that ended (or of the current one so far, once it ends). */
    public LoaderStats lastStats() {
        return lastStats;
    }

    Container container() {
        return container;
    }

    /** Key of record {@code index}, read with the consumer side's own reader. */
    synchronized String key(int index) {
        if (closed) {
            throw new IllegalStateException("loader is closed");
        }
        if (keyReader == null) {
            keyReader = container.newReader();
        }
        return keyReader.key(index);
    }

    /** For a text-line transform, how its batches are cut; null otherwise. */
    dev.bale.transform.TextLine.PadPolicy padPolicy() {
        return transform.mode() == Transform.Mode.PIPELINE && transform.pipeline().textLine() != null
                ? transform.pipeline().padPolicy() : null;
    }

    Transform transform() {
        return transform;
    }

    long seed() {
        return seed;
    }

    boolean jpegRegionDecode() {
        return jpegRegionDecode;
    }

    BadSamplePolicy onBadSample() {
        return onBadSample;
    }

    SampleHook sampleHook() {
        return sampleHook;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Bytes of one decoded sample in a batch buffer. */
    public long sampleBytes() {
        return sampleBytes;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Shape of a full batch's image tensor. */
    public long[] batchShape() {
        return transform.output() == Transform.Output.UINT8_HWC
                ? new long[] {batchSize, height, width, channels}
                : new long[] {batchSize, channels, height, width};
    }

    torch.ScalarType elementType() {
        return transform.output() == Transform.Output.FLOAT_CHW ? torch.ScalarType.Float : torch.ScalarType.Byte;
    }

    /** Whether the ring's buffers are page-locked (CUDA pinned) memory. */
    public boolean pinned() {
        return ring[0].images.pinned();
    }

    /**
     * Stops the workers (mid-epoch too), waits for them, and frees every native buffer. Batches and
     * tensors handed out become invalid.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Job running = job;
            if (running != null) {
                running.aborted = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        joinWorkers();
        // Batches still out let go of their tensors (copying out what is still used) before the memory goes.
        releaseHeld();
        freeRing();
        synchronized (this) {
            if (keyReader != null) {
                keyReader.close();
                keyReader = null;
            }
        }
    }

    /** Releases every batch still out: the current one and held ones. */
    void releaseHeld() {
        for (Slot slot : ring) {
            Batch holder = slot == null ? null : slot.holder;
            if (holder != null) {
                holder.close();
            }
        }
    }

    /** Waits for every worker to end, interrupted or not: only then may their buffers be freed. */
    private void joinWorkers() {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void freeRing() {
        for (Slot slot : ring) {
            if (slot != null) {
                slot.free();
            }
        }
    }

    /** Builds a {@link DataLoader}; only the container is required. */
    public static final class Builder {
        private final Container container;
        private int batchSize = 64;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Sampler sampler;
        private boolean shuffle;
        private Transform transform = Transform.eval();
        private String device = "cpu";
        private int prefetch = 3;
        private long seed;
        private boolean dropLast;
        private BadSamplePolicy onBadSample = BadSamplePolicy.FAIL;
        private int readAheadShards = 4;
        private int rank;
        private int world;
        private int shuffleShards = 1;
        private SampleHook sampleHook;
        private boolean jpegRegionDecode = true;

        private Builder(Container container) {
            this.container = Objects.requireNonNull(container);
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Worker threads (default: one per core). */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("need at least 1 worker");
            }
            this.workers = workers;
            return this;
        }

        /** The order of samples; overrides {@link #shuffle}. Default: sequential. */
        public Builder sampler(Sampler sampler) {
            this.sampler = sampler;
            return this;
        }

        /** A new permutation each epoch, from the seed. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        public Builder transform(Transform transform) {
            this.transform = Objects.requireNonNull(transform);
            return this;
        }

        /** "cpu" (default), or "cuda"/"cuda:N": batch buffers are then pinned for asynchronous copies. */
        public Builder device(String device) {
            this.device = Objects.requireNonNull(device);
            return this;
        }

        /** Batches prepared ahead of the consumer: the ring's size (default 3). */
        public Builder prefetch(int prefetch) {
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be at least 1");
            }
            this.prefetch = prefetch;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drop a last batch shorter than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public Builder onBadSample(BadSamplePolicy policy) {
            this.onBadSample = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * This rank's share of the data ({@link Sampler#sharded}): contiguous, equal parts of each
         * epoch's order, whole shards where possible for a sharded dataset, resumable on another
         * world size with {@link DataLoader#resume}. Uses the shuffle, seed and dropLast settings.
         */
        public Builder distributed(int rank, int world) {
            if (world < 1 || rank < 0 || rank >= world) {
                throw new IllegalArgumentException("rank " + rank + " is not in [0, " + world + ")");
            }
            this.rank = rank;
            this.world = world;
            return this;
        }

        /** With {@link #distributed} and shuffle: records are shuffled within windows of this many shards (default 1). */
        public Builder shuffleShards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shuffleShards must be at least 1");
            }
            this.shuffleShards = shards;
            return this;
        }

        /** For a remote dataset: shards beyond the current one fetched ahead of the workers (default 4; 0: none). */
        public Builder readAheadShards(int shards) {
            if (shards < 0) {
                throw new IllegalArgumentException("readAheadShards must not be negative");
            }
            this.readAheadShards = shards;
            return this;
        }

        /**
         * Java code run in the workers on each sample's uint8 image after the geometric ops and
         * before colour ops and normalization (see {@link SampleHook}); null for none.
         */
        public Builder withSampleHook(SampleHook hook) {
            this.sampleHook = hook;
            return this;
        }

        /**
         * Whether a JPEG's crop is decoded alone, with libjpeg-turbo's partial decoding (default true;
         * the pixels are the same). False decodes whole JPEGs with OpenCV and crops, the path before
         * region decoding, kept for comparisons. A transform without reduced decoding (exact mode)
         * always decodes whole images at full scale.
         */
        public Builder jpegRegionDecode(boolean jpegRegionDecode) {
            this.jpegRegionDecode = jpegRegionDecode;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
