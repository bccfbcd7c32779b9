package dev.bale.examples.classify;

import dev.bale.cli.Main;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Trains an image classifier with LibTorch, fed by Bale's DataLoader; prints per epoch the loss, "
                + "test accuracy, images/s and the share of time spent waiting for data.",
                "Default data: Fashion-MNIST from Debian's dataset-fashion-mnist (installed on first use, as root), "
                        + "written out as PNGs and packed with bale pack.",
                "Example: bale example classify --epochs 5 --workers 2"})
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--train", description = "Training images: a container, or a folder of class folders (packed first).")
    Path trainPath;

    @Option(names = "--test", description = "Test images, as --train.")
    Path testPath;

    @Option(names = "--work", defaultValue = "bale-examples", description = "Where data is prepared (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--size", defaultValue = "28", description = "Side of the images the network sees (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--model", defaultValue = "cnn", paramLabel = "cnn|resnet18", description = "Network (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--width", description = "Channels of the first stage (default: 32 for cnn, 64 for resnet18, ResNet-18's own).")
    Integer width;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd", description = "adam, or sgd with Nesterov momentum 0.9 (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate at the start, decayed to 0 over the run along a cosine "
            + "(default: 0.001 for adam, 0.05 for sgd).")
    Double lr;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", defaultValue = "2", description = "Loader worker threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (needs the GPU build: mvn -Pgpu) (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "LibTorch's intra-op threads (default: the cores the loader's workers leave, at least 1).")
    Integer threads;

    @Option(names = "--checkpoint", description = "Checkpoint folder (model, optimizer, loader position).")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Save a checkpoint every N steps (default: only with --stop-after).")
    int checkpointEvery;

    @Option(names = "--stop-after", defaultValue = "0", description = "Save a checkpoint after N steps in all and stop (to try --resume).")
    long stopAfter;

    @Option(names = "--resume", description = "Go on from --checkpoint: the remaining batches are those an uninterrupted run would have had.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if ((trainPath == null) != (testPath == null)) {
            throw new IllegalArgumentException("give both --train and --test, or neither (Fashion-MNIST)");
        }
        Path train;
        Path test;
        if (trainPath == null) {
            Path dir = work.resolve("fashion-mnist");
            train = prepareFashionMnist(dir, "train", "train");
            test = prepareFashionMnist(dir, "t10k", "test");
        } else {
            train = asContainer(trainPath, "train");
            test = asContainer(testPath, "test");
        }
        // LibTorch's OpenMP threads spin while they wait for each other: on cores the loader's workers
        // (or other programs) also want, two of them measured 6-9x slower per step than one here.
        dev.bale.torch.Torch.load();
        org.bytedeco.pytorch.global.torch.set_num_threads(threads != null ? threads
                : Math.max(1, Runtime.getRuntime().availableProcessors() - workers));
        double rate = lr != null ? lr : optimizer.equals("sgd") ? 0.05 : 1e-3;
        int stageWidth = width != null ? width : model.equals("resnet18") ? 64 : 32;
        Trainer.Options options = new Trainer.Options(model, stageWidth, optimizer, rate, epochs, batch, workers, seed, device,
                checkpoint, checkpointEvery, stopAfter, resume);
        try (Container trainSet = Containers.open(train); Container testSet = Containers.open(test);
             Trainer trainer = new Trainer(trainSet, testSet, trainTransform(size), evalTransform(size), options)) {
            System.out.printf("%s: %,d training images, %,d test images, %d classes; model %s, %s lr %g, batch %d, "
                            + "%d loader workers, %d LibTorch threads, device %s%n", train, trainSet.size(), testSet.size(),
                    trainSet.manifest().classes().size(), model + " (width " + stageWidth + ")", optimizer, rate, batch, workers,
                    org.bytedeco.pytorch.global.torch.get_num_threads(), device);
            for (Trainer.EpochReport report : trainer.run(r -> System.out.println(r.line()))) {
                if (report.stopped()) {
                    System.out.printf("stopped after %,d steps; checkpoint in %s (resume with --resume)%n", stopAfter, checkpoint);
                }
            }
        }
        return 0;
    }

    /** Mild augmentation for small images: RandomResizedCrop (scale 0.8-1, ratio 0.9-1.11) + flip. */
    public static Transform trainTransform(int size) {
        return new Transform(Transform.Mode.TRAIN, size, size, 0.8, 1, 0.9, 1 / 0.9, 0.5, 0, 0, 0,
                Transform.Output.FLOAT_CHW, MEAN, STD, Transform.Channels.AUTO, true);
    }

    /** Resize + centre crop to {@code size} (the identity for images of that size). */
    public static Transform evalTransform(int size) {
        return Transform.eval(size, size).withNormalization(MEAN, STD);
    }

    private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
    private static final float[] STD = {0.5f, 0.5f, 0.5f};

    private Path prepareFashionMnist(Path dir, String split, String name) throws IOException {
        Path container = dir.resolve(name + ".bin");
        if (Files.exists(container)) {
            return container;
        }
        FashionMnist.ensureInstalled(Path.of(System.getProperty("bale.home", ".")).resolve("examples/scripts/install_fashion_mnist.sh"));
        Path png = dir.resolve("png").resolve(name);
        System.out.printf("writing Fashion-MNIST %s as PNGs in %s...%n", name, png);
        FashionMnist.writeImageFolder(FashionMnist.DEBIAN, split, png);
        pack(png, container);
        return container;
    }

    private Path asContainer(Path path, String name) throws IOException {
        if (Files.isDirectory(path) && !Files.exists(path.resolve("manifest.json")) && !Files.exists(path.resolve("data.mdb"))) {
            Path container = work.resolve(name + ".bin");
            if (!Files.exists(container)) {
                pack(path, container);
            }
            return container;
        }
        return path;
    }

    /** As a user would: {@code bale pack SOURCE OUT --format bin}. */
    private static void pack(Path source, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        int code = Main.run("pack", source.toString(), out.toString(), "--format", "bin");
        if (code != 0) {
            throw new IOException("bale pack " + source + " failed (exit code " + code + ")");
        }
    }
}
