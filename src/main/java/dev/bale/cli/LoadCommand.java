package dev.bale.cli;

import dev.bale.bench.DecodeCeiling;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.LoaderStats;
import dev.bale.transform.Transform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Streams a container through the loader (decode + transform into batch buffers) and reports "
                + "images/s and where the time went.", "Example: bale load photos.bin --epochs 3 --workers 2 --transform train"})
final class LoadCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout.")
    Path path;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", description = "Worker threads (default: one per core).")
    Integer workers;

    @picocli.CommandLine.Mixin
    TransformOptions transformOptions;

    @Option(names = "--shuffle", description = "A new order every epoch.")
    boolean shuffle;

    @Option(names = "--bucket", description = "Batch records of similar aspect ratio together (text lines: less padding); "
            + "buckets and their order are shuffled every epoch from the seed.")
    boolean bucket;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prefetch", defaultValue = "3", description = "Batches prepared ahead (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--ceiling", description = "First measure one thread's native decode+transform rate on records in "
            + "memory, and report the loader's efficiency against workers x that rate.")
    boolean ceiling;

    @Override
    public Integer call() throws Exception {
        Transform t = transformOptions.build();
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1");
        }
        try (Container container = Containers.open(path)) {
            DataLoader.Builder builder = DataLoader.builder(container).batchSize(batch).transform(t).shuffle(shuffle)
                    .seed(seed).prefetch(prefetch);
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
                for (int epoch = 0; epoch < epochs; epoch++) {
                    try (Progress progress = new Progress("epoch " + epoch)) {
                        progress.started(container.size());
                        int done = 0;
                        for (Batch b : loader.epoch(epoch)) {
                            done += b.size();
                            progress.step(done);
                        }
                    }
                    LoaderStats stats = loader.lastStats();
                    System.out.printf("epoch %d: %s%n", epoch, stats);
                    if (ceiling) {
                        System.out.printf("epoch %d: %.1f%% of the ceiling; %.2f us per image beyond decode+transform%n",
                                epoch, 100 * stats.imagesPerSecond() / limit,
                                1e6 * (threads * stats.seconds() - stats.decodeSeconds() - stats.transformSeconds())
                                        / stats.images());
                    }
                }
            }
        }
        return 0;
    }
}
