package dev.bale.examples.classify;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import dev.bale.container.Container;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.Epoch;
import dev.bale.loader.LoaderStats;
import dev.bale.torch.Cuda;
import dev.bale.torch.Torch;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains an image classifier on batches from Bale's {@link DataLoader}: the loop a JVM training
 * program would write. Reports per epoch the mean loss, test accuracy, images/s and the share of
 * the epoch's time the loop spent waiting for the loader. Saves checkpoints (model, optimizer,
 * loader position) and resumes from them.
 */
public final class Trainer implements AutoCloseable {

    /** How to train. {@code checkpointEvery} and {@code stopAfter} count optimizer steps; 0 = never. */
    public record Options(String model, int width, String optimizer, double lr, int epochs, int batchSize,
                          int workers, long seed, String device, Path checkpoint, int checkpointEvery,
                          long stopAfter, boolean resume) {
        public Options {
            Objects.requireNonNull(model);
            if (epochs < 1 || batchSize < 1 || workers < 1) {
                throw new IllegalArgumentException("epochs, batch size and workers must be at least 1");
            }
            if ((checkpointEvery > 0 || stopAfter > 0 || resume) && checkpoint == null) {
                throw new IllegalArgumentException("--checkpoint-every, --stop-after and --resume need --checkpoint DIR");
            }
        }

        public Options withCheckpoint(Path dir, int every, long stopAfterSteps, boolean resumeRun) {
            return new Options(model, width, optimizer, lr, epochs, batchSize, workers, seed, device, dir, every,
                    stopAfterSteps, resumeRun);
        }
    }

    /** One epoch's results. {@code dataWait} is the loop's time blocked on the loader over the epoch's wall time. */
    public record EpochReport(int epoch, int firstBatch, long steps, double loss, double testAccuracy,
                              double imagesPerSecond, double dataWait, double seconds, long residentBytes,
                              boolean stopped) {
        public String line() {
            return String.format("epoch %d: loss %.4f, test accuracy %.1f%%, %,.0f images/s, data wait %.1f%%, "
                            + "%.0f s, RSS %,d MB%s", epoch, loss, 100 * testAccuracy, imagesPerSecond, 100 * dataWait,
                    seconds, residentBytes >> 20, firstBatch > 0 ? " (resumed at batch " + firstBatch + ")" : "");
        }
    }

    private final Options options;
    private final Net net;
    private final Optimizer optimizer;
    private final DataLoader train;
    private final DataLoader test;
    private final Device device;
    private final List<String> batchLog = new ArrayList<>();
    private boolean logBatches;
    private long step;
    private int startEpoch;
    private int startBatch;

    public Trainer(Container trainSet, Container testSet, Transform trainTransform, Transform evalTransform,
                   Options options) throws IOException {
        this.options = options;
        if (options.device().startsWith("cuda") && !Cuda.available()) {
            throw new IllegalStateException("--device " + options.device() + ": no CUDA device is available");
        }
        Torch.load();
        torch.manual_seed(options.seed());
        this.train = DataLoader.builder(trainSet).batchSize(options.batchSize()).workers(options.workers())
                .transform(trainTransform).shuffle(true).seed(options.seed()).device(options.device()).build();
        DataLoader evalLoader = null;
        try {
            evalLoader = DataLoader.builder(testSet).batchSize(256).workers(options.workers())
                    .transform(evalTransform).device(options.device()).build();
            int classes = trainSet.manifest().classes().size();
            this.net = Net.named(options.model(), train.channels(), classes, options.width());
            this.device = new Device(options.device());
            net.to(device, false);
            this.optimizer = switch (options.optimizer()) {
                case "adam" -> new Adam(net.parameters(), new AdamOptions(options.lr()));
                case "sgd" -> {
                    SGDOptions sgd = new SGDOptions(options.lr());
                    sgd.momentum().put(0.9);
                    sgd.nesterov().put(true);
                    yield new SGD(net.parameters(), sgd);
                }
                default -> throw new IllegalArgumentException("--optimizer must be adam or sgd, not '" + options.optimizer() + "'");
            };
        } catch (RuntimeException | Error e) {
            train.close();
            if (evalLoader != null) {
                evalLoader.close();
            }
            throw e;
        }
        this.test = evalLoader;
        if (options.resume()) {
            Checkpoint.State state = Checkpoint.load(options.checkpoint(), net, optimizer);
            if (!state.model().equals(options.model()) || state.seed() != options.seed()) {
                throw new IllegalArgumentException(options.checkpoint() + " was saved by a run of model " + state.model()
                        + " with seed " + state.seed() + ", not " + options.model() + " with seed " + options.seed());
            }
            step = state.step();
            startEpoch = state.epoch();
            startBatch = state.nextBatch();
        }
    }

    /** Records, per batch trained, "epoch batch crc(indices) crc(pixels) loss" (what resume tests compare). */
    public Trainer logBatches(boolean on) {
        this.logBatches = on;
        return this;
    }

    public List<String> batchLog() {
        return batchLog;
    }

    public Net net() {
        return net;
    }

    /** Trains from where the run stands (epoch 0, or the checkpoint) to the last epoch; reports each epoch. */
    public List<EpochReport> run(java.util.function.Consumer<EpochReport> onEpoch) throws IOException {
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = startEpoch; epoch < options.epochs(); epoch++) {
            EpochReport report = trainEpoch(epoch, epoch == startEpoch ? startBatch : 0);
            reports.add(report);
            onEpoch.accept(report);
            if (report.stopped()) {
                break;
            }
        }
        return reports;
    }

    /** One epoch from batch {@code firstBatch}: the training loop. */
    EpochReport trainEpoch(int epoch, int firstBatch) throws IOException {
        net.train(true);
        double lossSum = 0;
        long samples = 0;
        long steps = 0;
        boolean stopped = false;
        int batches = train.batches(epoch);
        LoaderStats stats;
        try (Epoch batchesOfEpoch = train.epoch(epoch, firstBatch)) {
            for (Batch batch : batchesOfEpoch) {
                try (PointerScope scope = new PointerScope()) { // frees this step's tensors and autograd graph
                    // Dropout's randomness from the step alone, so a resumed run repeats it exactly.
                    torch.manual_seed(options.seed() * 1_000_003L + step);
                    Tensor x = batch.images(options.device());
                    Tensor y = batch.labels(options.device());
                    optimizer.zero_grad();
                    Tensor loss = cross_entropy(net.forward(x), y);
                    loss.backward();
                    setLearningRate(cosine(step, (long) options.epochs() * batches));
                    optimizer.step();
                    double value = loss.item_double();
                    lossSum += value * batch.size();
                    samples += batch.size();
                    if (logBatches) {
                        batchLog.add(logLine(batch, value));
                    }
                }
                step++;
                steps++;
                int next = batch.number() + 1;
                boolean stopHere = options.stopAfter() > 0 && step >= options.stopAfter();
                if (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0 || stopHere) {
                    Checkpoint.save(options.checkpoint(), net, optimizer, next < batches
                            ? new Checkpoint.State(epoch, next, step, options.seed(), options.model())
                            : new Checkpoint.State(epoch + 1, 0, step, options.seed(), options.model()));
                }
                if (stopHere) {
                    stopped = true;
                    break;
                }
            }
        }
        stats = train.lastStats();
        double accuracy = stopped ? Double.NaN : evaluate();
        return new EpochReport(epoch, firstBatch, steps, samples == 0 ? Double.NaN : lossSum / samples, accuracy,
                stats.imagesPerSecond(), stats.seconds() == 0 ? 0 : stats.waitBatchSeconds() / stats.seconds(),
                stats.seconds(), org.bytedeco.javacpp.Pointer.physicalBytes(), stopped);
    }

    /**
     * The learning rate at optimizer step {@code step} of {@code total}: the base rate decayed to zero
     * along half a cosine. A function of the step alone, so a resumed run follows the same schedule.
     */
    private double cosine(long step, long total) {
        return options.lr() * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, total) / Math.max(1, total)));
    }

    private void setLearningRate(double rate) {
        var groups = optimizer.param_groups();
        for (long g = 0; g < groups.size(); g++) {
            groups.get(g).options().set_lr(rate);
        }
    }

    /** Fraction of the test set classified right, in eval mode and without autograd. */
    public double evaluate() {
        net.eval();
        long right = 0;
        long total = 0;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Batch batch : test.epoch(0)) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor predicted = net.forward(batch.images(options.device())).argmax(
                            new org.bytedeco.pytorch.LongOptional(1), false);
                    right += predicted.eq(batch.labels(options.device())).sum().item_long();
                    total += batch.size();
                }
            }
        }
        net.train(true);
        return total == 0 ? Double.NaN : (double) right / total;
    }

    private static String logLine(Batch batch, double loss) {
        CRC32C indices = new CRC32C();
        for (int index : batch.indices()) {
            indices.update(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index});
        }
        CRC32C pixels = new CRC32C();
        ByteBuffer buffer = batch.imageBuffer();
        pixels.update(buffer);
        return String.format("%d %d %08x %08x %.6f", batch.epoch(), batch.number(), indices.getValue(), pixels.getValue(), loss);
    }

    @Override
    public void close() {
        try {
            train.close();
        } finally {
            test.close();
        }
    }
}
