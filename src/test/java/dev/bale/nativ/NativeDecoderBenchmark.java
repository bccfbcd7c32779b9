package dev.bale.nativ;

import dev.bale.testing.NativeParams;
import dev.bale.testing.OpenCvReference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.opencv.global.opencv_core;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Single-thread rates of the native hot path; not a test. Run with
 * {@code mvn -q -B test -Dtest=NativeDecoderBenchmark -Dbale.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "bale.benchmark", matches = "true")
class NativeDecoderBenchmark {
    private static final int IMAGES = 16;
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final long MEASURE_NANOS = 4_000_000_000L;

    @Test
    void singleThreadRates() {
        opencv_core.setNumThreads(1);
        List<ByteBuffer> photos = new ArrayList<>();
        List<ByteBuffer> tiny = new ArrayList<>();
        long photoBytes = 0;
        for (int i = 0; i < IMAGES; i++) {
            photos.add(TestImages.photo(i));
            tiny.add(TestImages.tiny(i));
            photoBytes += photos.get(i).remaining();
        }
        System.out.printf("OpenCV threads: %d; %d JPEGs 500x375 q90, %d bytes on average%n",
                opencv_core.getNumThreads(), IMAGES, photoBytes / IMAGES);

        NativeParams full = NativeParams.evalCrop(500, 375);
        NativeParams reduced = NativeParams.evalCrop(250, 188).reduce(2);
        NativeParams digit = NativeParams.crop(0, 0, 28, 28, 28);
        digit.grayscale = true;
        digit.expectW = 28;
        digit.expectH = 28;
        try (NativeDecoder decoder = new NativeDecoder()) {
            report("native, JPEG -> 224 float CHW, reduce 1", rate(decoder, photos, full));
            report("native, JPEG -> 224 float CHW, reduce 2", rate(decoder, photos, reduced));
            report("native, PNG 28x28 gray -> float", rate(decoder, tiny, digit));
        }
        report("Java OpenCV calls, JPEG -> 224 float CHW, reduce 1",
                rate(i -> OpenCvReference.apply(photos.get(i % IMAGES), full)));

        // reduce 1 against reduce 2 on the same region: a crop with even coordinates scales exactly.
        NativeParams fullUnit = NativeParams.crop(86, 22, 328, 328, 224);
        NativeParams halfUnit = NativeParams.crop(43, 11, 164, 164, 224).reduce(2);
        for (NativeParams t : List.of(fullUnit, halfUnit)) {
            t.mean = new float[] {0, 0, 0};
            t.std = new float[] {1, 1, 1};
        }
        double max = 0;
        double sum = 0;
        long count = 0;
        for (ByteBuffer photo : photos) {
            FloatBuffer a = floats(OpenCvReference.apply(photo, fullUnit));
            FloatBuffer b = floats(OpenCvReference.apply(photo, halfUnit));
            for (int i = 0; i < a.capacity(); i++) {
                double d = Math.abs(a.get(i) - b.get(i));
                max = Math.max(max, d);
                sum += d;
                count++;
            }
        }
        System.out.printf("reduce 1 vs 2, crop 328 (164 at half size) -> 224: max |diff| %.4f (%.1f of 255), mean %.4f (%.2f of 255)%n",
                max, max * 255, sum / count, sum / count * 255);
    }

    private static double[] rate(NativeDecoder decoder, List<ByteBuffer> images, NativeParams t) {
        t.applyTo(decoder.params());
        ByteBuffer target = ByteBuffer.allocateDirect(t.outputBytes());
        return rate(i -> {
            decoder.decode(images.get(i % images.size()), target, 0);
            return target;
        });
    }

    /** {calls per second, microseconds per call} after a warm-up. */
    private static double[] rate(IntFunction<ByteBuffer> call) {
        long start = System.nanoTime();
        int i = 0;
        while (System.nanoTime() - start < WARMUP_NANOS) {
            call.apply(i++);
        }
        start = System.nanoTime();
        int calls = 0;
        long elapsed;
        do {
            call.apply(calls++);
            elapsed = System.nanoTime() - start;
        } while (elapsed < MEASURE_NANOS);
        double seconds = elapsed / 1e9;
        return new double[] {calls / seconds, seconds * 1e6 / calls};
    }

    private static void report(String what, double[] rate) {
        System.out.printf("%-52s %8.0f /s %9.1f us%n", what, rate[0], rate[1]);
    }

    private static FloatBuffer floats(ByteBuffer buffer) {
        return buffer.duplicate().clear().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
