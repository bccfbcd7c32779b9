package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.dataset.Datasets;
import dev.bale.dataset.RemoteOptions;
import dev.bale.dataset.ShardCache;
import dev.bale.dataset.ShardedContainer;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.sample.Sampler;
import dev.bale.source.Source;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The remote case: one sharded dataset read by the loader from local disk, and over HTTP with a
 * fixed latency per request and a bandwidth cap through an empty shard cache (the first epoch),
 * then from the filled cache — all in the same run, with the same sampler, transform and workers.
 */
public final class RemoteBench {
    private RemoteBench() {
    }

    /**
     * What was measured.
     *
     * @param localRate       images/s reading the local dataset (a warm epoch)
     * @param firstEpochRate  images/s of the first remote epoch, counted from its first batch (after the first shard)
     * @param firstBatchSeconds time to the first remote batch (fetching the first shard)
     * @param cachedRate      images/s of the next remote epoch, from the cache
     * @param firstEpoch      the cache's work in the first epoch
     * @param cachedEpoch     the cache's work in the cached epoch
     * @param noCacheRate     images/s of an epoch read by ranged requests, nothing cached ({@code --no-cache})
     */
    public record Result(int images, int shards, long datasetBytes, double localRate, double firstEpochRate,
                         double firstBatchSeconds, double cachedRate, ShardCache.Stats firstEpoch,
                         ShardCache.Stats cachedEpoch, double firstWaitSeconds, double cachedWaitSeconds,
                         double noCacheRate) {
        public String table() {
            return String.format("""
                    remote bench: %,d images in %d shards (%,.1f MB), served over HTTP on the loopback
                    %-34s %12s %8s
                    %-34s %12.0f %8s
                    %-34s %12.0f %7.2fx   (first batch after %.2f s)
                    %-34s %12.0f %7.2fx
                    %-34s %12.0f %7.2fx
                    first epoch:  %s; workers waited %.2f s for shards
                    cached epoch: %s; workers waited %.2f s for shards
                    """, images, shards, datasetBytes / 1e6, "case", "images/s", "vs local",
                    "local shards", localRate, "1.00x",
                    "remote, first epoch (empty cache)", firstEpochRate, firstEpochRate / localRate, firstBatchSeconds,
                    "remote, cached (a new open)", cachedRate, cachedRate / localRate,
                    "remote, --no-cache (Range reads)", noCacheRate, noCacheRate / localRate, firstEpoch, firstWaitSeconds,
                    cachedEpoch, cachedWaitSeconds);
        }
    }

    /**
     * Runs the case in {@code work} (emptied first). With no {@code source}, generates {@code images}
     * photo-like 500x375 JPEGs.
     */
    public static Result run(Path source, Path work, int images, int workers, long latencyMillis, long bytesPerSecond,
                             long shardBytes, PrintStream log) throws IOException {
        deleteTree(work);
        Files.createDirectories(work);
        if (source == null) {
            source = work.resolve("photos");
            log.printf("generating %,d photo-like JPEGs...%n", images);
            SyntheticDataset.write(SyntheticDataset.Spec.photos(images, 500, 375), source, workers, done -> { });
        }
        Source input = Source.folder(source);
        Path dataset = work.resolve("www").resolve("ds");
        Files.createDirectories(dataset.getParent());
        SourceInput packInput = new SourceInput(input);
        ShardedPacker.pack(packInput, dataset, PackOptions.of(Layout.BIN),
                ShardedPacker.plan(packInput, 0, shardBytes), PackListener.NONE);
        Transform transform = Transform.eval();
        double local;
        int shards;
        long bytes;
        try (Container container = Containers.open(dataset)) {
            ShardedContainer sharded = (ShardedContainer) container;
            shards = sharded.shardCount();
            bytes = sharded.bytesOnDisk();
            log.printf("local: %d shards, %,.1f MB%n", shards, bytes / 1e6);
            try (DataLoader loader = loader(sharded, workers)) {
                epoch(loader, 0); // warm: pages mapped, natives loaded
                local = epoch(loader, 1)[0];
            }
        }
        log.printf("local: %,.0f images/s; serving with %d ms per request, %,.0f MB/s per connection%n", local,
                latencyMillis, bytesPerSecond / 1e6);
        try (ThrottledServer server = new ThrottledServer(work.resolve("www"), latencyMillis, bytesPerSecond)) {
            RemoteOptions options = RemoteOptions.fromEnvironment().withCache(work.resolve("cache"), Long.MAX_VALUE);
            double[] first;
            ShardCache.Stats firstStats;
            double firstWait;
            try (ShardedContainer remote = Datasets.open(server.url("ds/dataset.json"), options);
                 DataLoader loader = loader(remote, workers)) {
                first = epoch(loader, 0);
                firstStats = remote.cacheStats();
                firstWait = remote.readerWaitSeconds();
            }
            // A second run (a new open, as the next process would) over the filled cache.
            try (ShardedContainer remote = Datasets.open(server.url("ds/dataset.json"), options);
                 DataLoader loader = loader(remote, workers)) {
                double cached = epoch(loader, 1)[0];
                ShardCache.Stats cachedStats = remote.cacheStats();
                double cachedWait = remote.readerWaitSeconds();
                // Nothing cached: each record one ranged request, 32 in flight ahead of the workers.
                double noCache;
                try (ShardedContainer ranged = Datasets.open(server.url("ds/dataset.json"), options.withNoCache(true));
                     DataLoader rangedLoader = loader(ranged, workers)) {
                    noCache = epoch(rangedLoader, 1)[0];
                }
                return new Result(input.size(), shards, bytes, local, first[0], first[1], cached, firstStats,
                        cachedStats, firstWait, cachedWait, noCache);
            }
        }
    }

    /** The cases side by side as a bar chart (PNG), like the main bench's charts. */
    public static void chart(Result r, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        data.addValue(r.localRate(), "images/s", "local shards");
        data.addValue(r.firstEpochRate(), "images/s", "remote, first epoch");
        data.addValue(r.cachedRate(), "images/s", "remote, cached");
        data.addValue(r.noCacheRate(), "images/s", "remote, --no-cache");
        JFreeChart chart = ChartFactory.createBarChart(String.format("Remote shards: %,d images, %d shards, %,.0f MB",
                        r.images(), r.shards(), r.datasetBytes() / 1e6), "", "images per second", data,
                PlotOrientation.VERTICAL, false, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }

    private static DataLoader loader(ShardedContainer dataset, int workers) {
        return DataLoader.builder(dataset).batchSize(32).workers(workers).transform(Transform.eval())
                .sampler(Sampler.sharded(dataset.shardRecords(), 0, 1, true, 1, false, 1)).build();
    }

    /** {images/s counted from the first batch, seconds to the first batch}. */
    private static double[] epoch(DataLoader loader, int epoch) {
        long started = System.nanoTime();
        long firstAt = 0;
        long images = 0;
        for (Batch batch : loader.epoch(epoch)) {
            if (firstAt == 0) {
                firstAt = System.nanoTime();
            } else {
                images += batch.size();
            }
        }
        double seconds = (System.nanoTime() - firstAt) / 1e9;
        return new double[] {images / seconds, (firstAt - started) / 1e9};
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
