package dev.bale.cli;

import dev.bale.bench.DecodeCeiling;
import dev.bale.bench.JpegDecodeComparison;
import dev.bale.container.Container;
import dev.bale.dataset.ShardedContainer;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.JpegIndexCache;
import dev.bale.loader.LoaderStats;
import dev.bale.sample.Sampler;
import dev.bale.transform.Transform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Streams a container through the loader (decode + transform into batch buffers) and reports "
                + "images/s and where the time went.", "Example: bale load photos.bin --epochs 3 --workers 2 --transform train"})
final class LoadCommand implements Callable<Integer> {

    @Mixin
    OpenFlags open = new OpenFlags();

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout, or a dataset (folder, dataset.json or URL).")
    Path path;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", description = "Worker threads (default: one per core).")
    Integer workers;

    @picocli.CommandLine.Mixin
    TransformOptions transformOptions;

    @Option(names = "--whole-jpeg", description = "Decode whole JPEGs with OpenCV and crop, instead of decoding only "
            + "the crop with libjpeg-turbo (same pixels; the path before region decoding, for comparisons).")
    boolean wholeJpeg;

    @Option(names = "--jpeg-index-mb", paramLabel = "MB", defaultValue = "128", description = "Memory for the JPEG "
            + "entropy indexes that let later epochs decode only a crop's MCUs (about 4 KB a photo; 0 turns them off; "
            + "default: ${DEFAULT-VALUE}).")
    long jpegIndexMb;

    @Option(names = "--compare-jpeg-decoders", paramLabel = "ROUNDS", description = "Instead of streaming, compare "
            + "the exact, whole-JPEG, plain region and indexed region (first and later epochs) decodes side by side: "
            + "ROUNDS rounds of one epoch each, in turn.")
    int compareRounds;

    @Option(names = "--shuffle", description = "A new order every epoch.")
    boolean shuffle;

    @Option(names = "--bucket", description = "Batch records of similar aspect ratio together (text lines: less padding); "
            + "buckets and their order are shuffled every epoch from the seed.")
    boolean bucket;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prefetch", defaultValue = "3", description = "Batches prepared ahead (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--rank", defaultValue = "0", description = "This process's rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--world", defaultValue = "1",
            description = "Number of ranks: each gets an equal share, of whole shards where it can for a dataset (default: ${DEFAULT-VALUE}).")
    int world;

    @Option(names = "--shuffle-shards", defaultValue = "1",
            description = "With --shuffle on a dataset: samples are shuffled within windows of this many shards (default: ${DEFAULT-VALUE}).")
    int shuffleShards;

    @Mixin
    RemoteMixin remote;

    @Option(names = "--ceiling", description = "First measure one thread's native decode+transform rate on records in "
            + "memory, and report the loader's efficiency against workers x that rate.")
    boolean ceiling;

    @Override
    public Integer call() throws Exception {
        Transform t = transformOptions.build();
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1");
        }
        remote.apply();
        if (jpegIndexMb < 0) {
            throw new IllegalArgumentException("--jpeg-index-mb must be 0 or more");
        }
        JpegIndexCache.budget(jpegIndexMb << 20);
        try (Container container = open.open(path)) {
            if (compareRounds > 0) {
                int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
                System.out.printf("%s: %,d records, %s, batch %d, %d workers: exact vs whole-JPEG vs plain region vs "
                        + "indexed region decode%n", path, container.size(), t.mode().name().toLowerCase(java.util.Locale.ROOT), batch, threads);
                JpegDecodeComparison.run(container, t, threads, batch, compareRounds, System.out);
                return 0;
            }
            DataLoader.Builder builder = DataLoader.builder(container).batchSize(batch).transform(t).shuffle(shuffle)
                    .seed(seed).prefetch(prefetch).jpegRegionDecode(!wholeJpeg);
            int[] shardRecords = container instanceof ShardedContainer dataset ? dataset.shardRecords()
                    : new int[] {container.size()};
            // Ranks, and remote datasets (a shuffle that visits shards in windows), take the shard-aware sampler.
            boolean fromCache = container instanceof ShardedContainer dataset && dataset.remote();
            Sampler sampler = world != 1 || rank != 0 || fromCache
                    ? Sampler.sharded(shardRecords, rank, world, shuffle, seed, false, shuffleShards) : null;
            if (sampler != null) {
                builder.sampler(sampler);
            }
            if (workers != null) {
                builder.workers(workers);
            }
            if (bucket) {
                builder.sampler(dev.bale.sample.WidthBucketSampler.of(dev.bale.loader.RecordShapes.aspectRatios(container),
                        batch, seed));
            }
            try (DataLoader loader = builder.build()) {
                System.out.printf("%s: %,d records, %s, batch %d of %s, %d workers%n", path, container.size(),
                        TransformOptions.describe(t), batch,
                        java.util.Arrays.toString(java.util.Arrays.copyOfRange(loader.batchShape(), 1, 4)),
                        workers != null ? workers : Runtime.getRuntime().availableProcessors());
                double limit = 0;
                int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
                if (ceiling) {
                    double one = DecodeCeiling.imagesPerSecond(container, t, loader.channels(), 500, 3);
                    limit = one * threads;
                    System.out.printf("ceiling: one thread decodes+transforms %,.0f images/s in memory; x %d workers = %,.0f images/s%n",
                            one, threads, limit);
                }
                if (world > 1) {
                    System.out.printf("rank %d of %d: %,d samples per epoch%n", rank, world, sampler.indices(0).length);
                }
                for (int epoch = 0; epoch < epochs; epoch++) {
                    try (Progress progress = new Progress("epoch " + epoch)) {
                        progress.started(container.size() / world);
                        int done = 0;
                        for (Batch b : loader.epoch(epoch)) {
                            done += b.size();
                            progress.step(done);
                        }
                    }
                    LoaderStats stats = loader.lastStats();
                    System.out.printf("epoch %d: %s%n", epoch, stats);
                    if (container instanceof ShardedContainer dataset && dataset.cacheStats() != null) {
                        System.out.printf("epoch %d: shard cache: %s%n", epoch, dataset.cacheStats());
                    }
                    if (ceiling) {
                        System.out.printf("epoch %d: %.1f%% of the ceiling; %.2f us per image beyond decode+transform%n",
                                epoch, 100 * stats.imagesPerSecond() / limit,
                                1e6 * (threads * stats.seconds() - stats.decodeSeconds() - stats.transformSeconds())
                                        / stats.images());
                    }
                }
                JpegIndexCache.Stats index = JpegIndexCache.stats();
                if (index.indexedDecodes() + index.indexesBuilt() > 0) {
                    System.out.printf("JPEG index: %,d records indexed (%.1f of %d MB), %,d crops decoded through it, "
                            + "%,d records left out for lack of room%n", index.recordsIndexed(), index.bytesHeld() / 1e6,
                            index.budget() >> 20, index.indexedDecodes(), index.recordsLeftOut());
                }
            }
        }
        return 0;
    }
}
