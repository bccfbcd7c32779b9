package dev.bale.examples.ocr;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ocr", mixinStandardHelpOptions = true,
        description = {"Trains a text recognizer (CRNN: conv stack + bidirectional LSTM, CTC loss) with LibTorch on "
                + "width-bucketed text-line batches from Bale's DataLoader; prints per epoch the loss, the test set's "
                + "character error rate (greedy CTC decoding), images/s and the share of time spent waiting for data.",
                "Default data: generated text lines (as bale demo --ocr; train and test from different seeds) packed "
                        + "into SQLite under --work.",
                "Example: bale example ocr --epochs 6"})
public final class OcrCommand implements Callable<Integer> {

    @Option(names = "--train", description = "Training lines: a container whose labels are the texts.")
    Path trainPath;

    @Option(names = "--test", description = "Test lines, as --train.")
    Path testPath;

    @Option(names = "--work", defaultValue = "bale-examples", description = "Where generated lines are packed (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--lines", defaultValue = "4000", description = "Generated training lines (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--test-lines", defaultValue = "500", description = "Generated test lines (default: ${DEFAULT-VALUE}).")
    int testLines;

    @Option(names = "--width", defaultValue = "16", description = "Channels of the first conv stage (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--hidden", defaultValue = "96", description = "LSTM units per direction (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--max-width", defaultValue = "512", description = "Widest line in pixels at height 32; wider lines are squeezed (default: ${DEFAULT-VALUE}).")
    int maxWidth;

    @Option(names = "--lr", defaultValue = "0.003", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", defaultValue = "2", description = "Loader worker threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "LibTorch's intra-op threads (default: the cores the loader's workers leave, at least 1).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if ((trainPath == null) != (testPath == null)) {
            throw new IllegalArgumentException("give both --train and --test, or neither (generated lines)");
        }
        Path train = trainPath;
        Path test = testPath;
        if (train == null) {
            Path dir = work.resolve("text-lines");
            System.out.printf("generating %,d training and %,d test lines in %s...%n", lines, testLines, dir);
            train = GeneratedLines.packed(dir, "train-" + lines, lines, 1, Integer.MAX_VALUE);
            test = GeneratedLines.packed(dir, "test-" + testLines, testLines, 2, Integer.MAX_VALUE);
        }
        // As the classify example: OpenMP threads on cores the loader's workers want run much slower.
        dev.bale.torch.Torch.load();
        org.bytedeco.pytorch.global.torch.set_num_threads(threads != null ? threads
                : Math.max(1, Runtime.getRuntime().availableProcessors() - workers));
        OcrTrainer.Options options = new OcrTrainer.Options(width, hidden, lr, epochs, batch, workers, seed, maxWidth);
        try (Container trainSet = Containers.open(train); Container testSet = Containers.open(test);
             OcrTrainer trainer = new OcrTrainer(trainSet, testSet, options)) {
            System.out.printf("%s: %,d training lines, %,d test lines, %d characters + blank; CRNN (width %d, LSTM 2x%d), "
                            + "adam lr %g, batch %d (width buckets), %d loader workers, %d LibTorch threads%n", train,
                    trainSet.size(), testSet.size(), trainer.charset().size() - 1, width, hidden, lr, batch, workers,
                    org.bytedeco.pytorch.global.torch.get_num_threads());
            trainer.run(r -> System.out.println(r.line()));
            System.out.println("test lines (reference -> greedy decoding): " + String.join(" | ", trainer.samplePredictions()));
        }
        return 0;
    }
}
