package dev.bale.bench;

import dev.bale.synthetic.SyntheticDataset;
import dev.bale.image.ImageHeader;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecoder;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link NativeDecoder#decode} per image, one thread, with the crops the loader's {@link Planner} makes
 * (computed before the measurement, so only setting the parameters and the native call are timed):
 * <ul>
 *   <li>{@code jpeg-eval}: 500x375 JPEG q90 → Resize 256 + CenterCrop 224, float CHW, ImageNet-normalized;</li>
 *   <li>{@code jpeg-train}: the same JPEG → RandomResizedCrop 224 + flip (a new random plan per call);</li>
 *   <li>{@code png-tiny}: 28x28 grayscale PNG → 1x28x28 float, no resize.</li>
 * </ul>
 * Sixteen different images are cycled so that no single image's content decides the rate; in train
 * mode each comes with several random crops.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NativeDecodeBenchmark {
    private static final int IMAGES = 16;
    /** Calls before the sequence of images and plans repeats. */
    private static final int CALLS = IMAGES * 16;

    @Param({"jpeg-eval", "jpeg-train", "png-tiny"})
    public String input;

    private final ByteBuffer[] encoded = new ByteBuffer[IMAGES];
    private final SamplePlan[] plans = new SamplePlan[CALLS];
    private NativeDecoder decoder;
    private ByteBuffer target;
    private int next;

    @Setup(Level.Trial)
    public void prepare() {
        boolean jpeg = !input.equals("png-tiny");
        SyntheticDataset.Spec spec = jpeg
                ? SyntheticDataset.Spec.photos(IMAGES, 500, 375)
                : SyntheticDataset.Spec.tiny(IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            byte[] bytes = SyntheticDataset.encode(spec, i);
            // Direct, as a container hands out records.
            encoded[i] = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        }
        Transform transform = switch (input) {
            case "jpeg-eval" -> Transform.eval();
            case "jpeg-train" -> Transform.train();
            default -> Transform.none();
        };
        Planner planner = new Planner(transform, 1);
        for (int call = 0; call < CALLS; call++) {
            ImageHeader header = ImageHeader.probe(encoded[call % IMAGES]).orElseThrow();
            plans[call] = new SamplePlan();
            planner.plan(header.width(), header.height(), jpeg, 0, call, plans[call]);
        }
        // The rate of one decoding thread, not of OpenCV's own thread pool.
        NativeDecoder.setOpenCvThreads(1);
        decoder = new NativeDecoder();
        float[] mean = transform.mean();
        float[] std = transform.std();
        for (int c = 0; c < 3; c++) {
            decoder.params().mean(c, mean[c]).std(c, std[c]);
        }
        decoder.params().output(BaleNative.OUTPUT_FLOAT32_CHW).grayscale(jpeg ? 0 : 1);
        apply(plans[0]);
        target = ByteBuffer.allocateDirect((int) decoder.outputBytes());
    }

    @TearDown(Level.Trial)
    public void close() {
        decoder.close();
    }

    @Benchmark
    public ByteBuffer decode() {
        int call = next;
        next = (next + 1) % CALLS;
        apply(plans[call]);
        decoder.decode(encoded[call % IMAGES], target, 0);
        return target;
    }

    /** What the loader's worker sets per sample. */
    private void apply(SamplePlan plan) {
        decoder.params().reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0);
    }
}
