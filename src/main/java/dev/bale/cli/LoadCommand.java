package dev.bale.cli;

import dev.bale.bench.DecodeCeiling;
import dev.bale.bench.JpegDecodeComparison;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.LoaderStats;
import dev.bale.transform.Transform;
import java.nio.file.Path;
import java.util.Locale;
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

    @Option(names = "--transform", defaultValue = "eval", paramLabel = "eval|train|none",
            description = "eval: resize + centre crop; train: random resized crop + flip; none: decode only (default: ${DEFAULT-VALUE}).")
    String transform;

    @Option(names = "--crop", defaultValue = "224", description = "Output size (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--resize", defaultValue = "256", description = "eval: shorter side before the crop (default: ${DEFAULT-VALUE}).")
    int resize;

    @Option(names = "--uint8", description = "uint8 CHW output, not normalized (normalize on the GPU).")
    boolean uint8;

    @Option(names = "--exact", description = "Never decode JPEGs at reduced scale, nor only their crop.")
    boolean exact;

    @Option(names = "--whole-jpeg", description = "Decode whole JPEGs with OpenCV and crop, instead of decoding only "
            + "the crop with libjpeg-turbo (same pixels; the path before region decoding, for comparisons).")
    boolean wholeJpeg;

    @Option(names = "--compare-jpeg-decoders", paramLabel = "ROUNDS", description = "Instead of streaming, compare "
            + "the exact, whole-JPEG and region decodes side by side: ROUNDS rounds of one epoch each, in turn.")
    int compareRounds;

    @Option(names = "--shuffle", description = "A new order every epoch.")
    boolean shuffle;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prefetch", defaultValue = "3", description = "Batches prepared ahead (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--ceiling", description = "First measure one thread's native decode+transform rate on records in "
            + "memory, and report the loader's efficiency against workers x that rate.")
    boolean ceiling;

    @Override
    public Integer call() throws Exception {
        Transform t = switch (transform.toLowerCase(Locale.ROOT)) {
            case "eval" -> Transform.eval(resize, crop);
            case "train" -> Transform.train(crop);
            case "none" -> Transform.none();
            default -> throw new IllegalArgumentException("--transform must be eval, train or none, not '" + transform + "'");
        };
        t = t.withReducedDecode(!exact);
        if (uint8) {
            t = t.withOutput(Transform.Output.UINT8_CHW);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1");
        }
        try (Container container = Containers.open(path)) {
            if (compareRounds > 0) {
                int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
                System.out.printf("%s: %,d records, %s, batch %d, %d workers: exact vs whole-JPEG vs region decode%n",
                        path, container.size(), t.mode().name().toLowerCase(Locale.ROOT), batch, threads);
                JpegDecodeComparison.run(container, t, threads, batch, compareRounds, System.out);
                return 0;
            }
            DataLoader.Builder builder = DataLoader.builder(container).batchSize(batch).transform(t).shuffle(shuffle)
                    .seed(seed).prefetch(prefetch).jpegRegionDecode(!wholeJpeg);
            if (workers != null) {
                builder.workers(workers);
            }
            try (DataLoader loader = builder.build()) {
                System.out.printf("%s: %,d records, %s, batch %d of %s, %d workers%n", path, container.size(),
                        t.mode().name().toLowerCase(Locale.ROOT), batch,
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
