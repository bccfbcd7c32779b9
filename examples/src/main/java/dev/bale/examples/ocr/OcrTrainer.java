package dev.bale.examples.ocr;

import static org.bytedeco.pytorch.global.torch.ctc_loss;
import static org.bytedeco.pytorch.global.torch.log_softmax;

import dev.bale.container.Container;
import dev.bale.loader.Batch;
import dev.bale.loader.CtcTargets;
import dev.bale.loader.DataLoader;
import dev.bale.loader.Epoch;
import dev.bale.loader.LoaderStats;
import dev.bale.loader.RecordShapes;
import dev.bale.sample.WidthBucketSampler;
import dev.bale.text.Charset;
import dev.bale.torch.Torch;
import dev.bale.transform.Grayscale;
import dev.bale.transform.Normalize;
import dev.bale.transform.TextLine;
import dev.bale.transform.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a {@link Crnn} with CTC loss on text-line batches from Bale's loader (gray, 32 pixels high,
 * padded to each batch's widest line, width-bucketed so that little of a batch is padding). Reports
 * per epoch the mean loss, the test set's character error rate under greedy decoding, lines/s and
 * the share of the epoch spent waiting for the loader.
 */
public final class OcrTrainer implements AutoCloseable {

    /** How to train: CRNN width and LSTM units, Adam's rate, epochs, batch, loader workers, seed, widest line. */
    public record Options(int width, int hidden, double lr, int epochs, int batchSize, int workers, long seed,
                          int maxWidth) {
        public Options {
            if (epochs < 1 || batchSize < 1 || workers < 1 || width < 1 || hidden < 1) {
                throw new IllegalArgumentException("epochs, batch size, workers, width and hidden must be at least 1");
            }
        }
    }

    /** One epoch's results: mean CTC loss, test CER, lines/s, share of time blocked on the loader. */
    public record EpochReport(int epoch, long steps, double loss, double cer, double imagesPerSecond, double dataWait,
                              double padding, double seconds, long residentBytes) {
        public String line() {
            return String.format("epoch %d: loss %.4f, CER %.1f%%, %,.0f images/s, data wait %.1f%%, padding %.1f%%, "
                            + "%.0f s, RSS %,d MB", epoch, loss, 100 * cer, imagesPerSecond, 100 * dataWait, 100 * padding,
                    seconds, residentBytes >> 20);
        }
    }

    private final Options options;
    private final Charset charset;
    private final Crnn net;
    private final Adam optimizer;
    private final DataLoader train;
    private final DataLoader test;
    private final List<String> samplePredictions = new ArrayList<>();

    public OcrTrainer(Container trainSet, Container testSet, Options options) {
        this.options = options;
        Torch.load();
        torch.manual_seed(options.seed());
        this.charset = Charset.of(trainSet);
        Transform lines = transform(options.maxWidth());
        this.train = DataLoader.builder(trainSet).batchSize(options.batchSize()).workers(options.workers()).transform(lines)
                .sampler(WidthBucketSampler.of(RecordShapes.aspectRatios(trainSet), options.batchSize(), options.seed()))
                .seed(options.seed()).build();
        try {
            this.test = DataLoader.builder(testSet).batchSize(64).workers(options.workers()).transform(lines)
                    .sampler(WidthBucketSampler.of(RecordShapes.aspectRatios(testSet), 64, options.seed())).build();
        } catch (RuntimeException | Error e) {
            train.close();
            throw e;
        }
        this.net = new Crnn(1, charset.size(), options.width(), options.hidden());
        this.optimizer = new Adam(net.parameters(), new AdamOptions(options.lr()));
    }

    /** Gray text lines {@link Crnn#HEIGHT} high, at most {@code maxWidth} wide, padded per batch, scaled to [-1, 1]. */
    public static Transform transform(int maxWidth) {
        return Transform.textLine(Crnn.HEIGHT, maxWidth, 0, TextLine.PadPolicy.BATCH_MAX)
                .then(Grayscale.of(1), Normalize.of(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}));
    }

    public Charset charset() {
        return charset;
    }

    /** A few "reference -> prediction" pairs from the last evaluation. */
    public List<String> samplePredictions() {
        return samplePredictions;
    }

    /** Trains every epoch; reports each. */
    public List<EpochReport> run(Consumer<EpochReport> onEpoch) {
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            EpochReport report = trainEpoch(epoch);
            reports.add(report);
            onEpoch.accept(report);
        }
        return reports;
    }

    EpochReport trainEpoch(int epoch) {
        net.train(true);
        double lossSum = 0;
        long samples = 0;
        long steps = 0;
        try (Epoch batches = train.epoch(epoch)) {
            for (Batch batch : batches) {
                try (PointerScope scope = new PointerScope(); // frees this step's tensors and autograd graph
                     CtcTargets targets = batch.targets(charset)) {
                    Tensor logProbs = log_softmax(net.forward(batch.images()), 2); // [T, N, classes]
                    Tensor inputLengths = inputLengths(batch, logProbs.size(0));
                    optimizer.zero_grad();
                    // blank 0, reduction mean (per target length, then over the batch), zero_infinity.
                    Tensor loss = ctc_loss(logProbs, targets.targets(), inputLengths, targets.lengths(), 0, 1, true);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item_double() * batch.size();
                    samples += batch.size();
                }
                steps++;
            }
        }
        LoaderStats stats = train.lastStats();
        double cer = evaluate();
        return new EpochReport(epoch, steps, samples == 0 ? Double.NaN : lossSum / samples, cer, stats.imagesPerSecond(),
                stats.seconds() == 0 ? 0 : stats.waitBatchSeconds() / stats.seconds(), stats.paddingFraction(),
                stats.seconds(), org.bytedeco.javacpp.Pointer.physicalBytes());
    }

    /** Each line's time steps: its real width (before padding) after the convs' downsampling, rounded up. */
    static Tensor inputLengths(Batch batch, long timeSteps) {
        long d = Crnn.DOWNSAMPLING;
        return batch.widths().add(new Scalar(d - 1)).floor_divide(new Scalar(d)).clamp_max(new Scalar(timeSteps));
    }

    /** Character error rate of greedy decoding over the test set, in eval mode and without autograd. */
    public double evaluate() {
        net.eval();
        CharacterErrorRate cer = new CharacterErrorRate();
        samplePredictions.clear();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Batch batch : test.epoch(0)) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor scores = net.forward(batch.images());                     // [T, N, classes]
                    int steps = (int) scores.size(0);
                    Tensor best = scores.argmax(new LongOptional(2), false).t().contiguous(); // [N, T]
                    Tensor lengths = inputLengths(batch, steps).contiguous();
                    LongPointer path = best.data_ptr_long();
                    LongPointer length = lengths.data_ptr_long();
                    String[] texts = batch.texts();
                    for (int i = 0; i < batch.size(); i++) {
                        int[] columns = new int[(int) length.get(i)];
                        for (int t = 0; t < columns.length; t++) {
                            columns[t] = (int) path.get((long) i * steps + t);
                        }
                        String predicted = charset.decode(GreedyCtc.decode(columns, 0));
                        cer.add(predicted, texts[i]);
                        if (samplePredictions.size() < 5) {
                            samplePredictions.add(texts[i] + " -> " + predicted);
                        }
                    }
                }
            }
        }
        net.train(true);
        return cer.rate();
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
