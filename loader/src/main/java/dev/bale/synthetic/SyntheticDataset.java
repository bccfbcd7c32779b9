package dev.bale.synthetic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Generates an image dataset in class folders, the ImageFolder way, deterministically from a seed.
 * Images are made to cost what photos cost to store and decode: smooth colour fields, shapes with
 * edges, a mid-frequency texture and sensor-like noise, so a JPEG of 500×375 at quality 90 lands
 * near 100 KB rather than the few KB a flat colour would take.
 */
public final class SyntheticDataset {

    /**
     * What to generate.
     *
     * @param images  number of images, spread round-robin over the classes
     * @param classes number of class folders
     * @param width   image width in pixels
     * @param height  image height
     * @param png     PNG (grayscale, lossless) instead of JPEG (colour, quality 90)
     * @param seed    the same seed gives the same files, byte for byte
     */
    public record Spec(int images, int classes, int width, int height, boolean png, long seed) {

        /** Photo-like colour JPEGs. */
        public static Spec photos(int images, int width, int height) {
            return new Spec(images, Math.min(10, Math.max(1, images / 20)), width, height, false, 42);
        }

        /** MNIST-like 28×28 grayscale PNGs of a few hundred bytes each. */
        public static Spec tiny(int images) {
            return new Spec(images, 10, 28, 28, true, 42);
        }
    }

    private SyntheticDataset() {
    }

    /** Writes {@code spec.images()} files under {@code root}/class_NN/; calls {@code progress} with each count done. */
    public static List<Path> write(Spec spec, Path root, int threads, IntConsumer progress) throws IOException {
        List<Path> files = new ArrayList<>(spec.images());
        for (int c = 0; c < spec.classes(); c++) {
            Files.createDirectories(root.resolve(className(c)));
        }
        for (int i = 0; i < spec.images(); i++) {
            files.add(root.resolve(className(i % spec.classes()))
                    .resolve(String.format("img_%06d.%s", i, spec.png() ? "png" : "jpg")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < spec.images(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    Files.write(files.get(index), encode(spec, index));
                    progress.accept(done.incrementAndGet());
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return files;
    }

    static String className(int c) {
        return String.format("class_%02d", c);
    }

    /** The encoded bytes of image {@code index}; depends only on the spec and the index. */
    public static byte[] encode(Spec spec, int index) {
        Random random = new Random(spec.seed() * 1_000_003L + index);
        int channels = spec.png() ? 1 : 3;
        int type = spec.png() ? opencv_core.CV_8UC1 : opencv_core.CV_8UC3;
        try (PointerScope scope = new PointerScope()) {
            // Smooth colour field: a few random control points, upsampled.
            Mat coarse = new Mat(3 + random.nextInt(3), 3 + random.nextInt(3), type);
            fill(coarse, random, 0, 256, index % spec.classes(), spec.classes());
            Mat image = new Mat();
            opencv_imgproc.resize(coarse, image, new Size(spec.width(), spec.height()), 0, 0, opencv_imgproc.INTER_CUBIC);

            int shapes = spec.png() ? 2 + random.nextInt(3) : 8 + random.nextInt(16);
            int scale = Math.max(spec.width(), spec.height());
            for (int s = 0; s < shapes; s++) {
                Scalar colour = new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0);
                Point a = new Point(random.nextInt(spec.width()), random.nextInt(spec.height()));
                int thickness = random.nextBoolean() ? -1 : 1 + random.nextInt(Math.max(1, scale / 60));
                switch (random.nextInt(3)) {
                    case 0 -> opencv_imgproc.circle(image, a, 1 + random.nextInt(Math.max(2, scale / 6)), colour,
                            thickness, opencv_imgproc.LINE_AA, 0);
                    case 1 -> opencv_imgproc.rectangle(image, a,
                            new Point(random.nextInt(spec.width()), random.nextInt(spec.height())), colour, thickness,
                            opencv_imgproc.LINE_8, 0);
                    default -> opencv_imgproc.line(image, a,
                            new Point(random.nextInt(spec.width()), random.nextInt(spec.height())), colour,
                            Math.max(1, thickness), opencv_imgproc.LINE_AA, 0);
                }
            }
            if (!spec.png()) {
                // Mid-frequency texture (blurred noise), then fine sensor-like noise.
                Mat texture = new Mat(spec.height(), spec.width(), type);
                fill(texture, random, -110, 110, 0, 1);
                opencv_imgproc.GaussianBlur(texture, texture, new Size(0, 0), 0.9);
                Mat fine = new Mat(spec.height(), spec.width(), type);
                fill(fine, random, -18, 18, 0, 1);
                Mat signed = new Mat();
                image.convertTo(signed, opencv_core.CV_16SC(channels));
                Mat t16 = new Mat();
                texture.convertTo(t16, opencv_core.CV_16SC(channels), 1, -128);
                Mat f16 = new Mat();
                fine.convertTo(f16, opencv_core.CV_16SC(channels), 1, -128);
                opencv_core.add(signed, t16, signed);
                opencv_core.add(signed, f16, signed);
                signed.convertTo(image, type);
            }
            BytePointer encoded = new BytePointer();
            IntPointer params = spec.png()
                    ? new IntPointer(opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3)
                    : new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 90);
            if (!opencv_imgcodecs.imencode(spec.png() ? ".png" : ".jpg", image, encoded, params)) {
                throw new IllegalStateException("OpenCV could not encode image " + index);
            }
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            return bytes;
        }
    }

    /**
     * Fills a continuous 8-bit Mat with values in [lo, hi), stored offset by 128 when lo is negative.
     * A class tints its images ({@code bias} of {@code of}) so that classes differ visibly.
     */
    private static void fill(Mat mat, Random random, int lo, int hi, int bias, int of) {
        ByteBuffer data = mat.createBuffer();
        int offset = lo < 0 ? 128 : 0;
        int channels = mat.channels();
        int tint = of > 1 ? bias * 256 / of : 0;
        for (int i = 0; i < data.capacity(); i++) {
            int value = lo + random.nextInt(hi - lo);
            if (of > 1 && i % channels == 0) {
                value = (value + tint) / 2;
            }
            data.put(i, (byte) (value + offset));
        }
    }
}
