package dev.bale.preview;

import dev.bale.container.Container;
import dev.bale.container.TextEscape;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.sample.Sampler;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * What the model sees: the first {@code count} samples of an epoch, made by the loader itself with
 * the given transform, written as {@code sample-<index>.png} (at the size delivered: text lines at
 * their batch's padded width), a contact sheet {@code grid.png} with index and label under each, and
 * {@code samples.tsv} ({@code index key label width height}; width is the real width before padding).
 *
 * <p>The pixels are the loader's uint8 output for the same transform and seed, i.e. what a float
 * output holds before normalization: normalizing and de-normalizing would give these values back,
 * up to rounding.
 */
public final class Preview {
    private static final int LABEL_BAND = 18;

    private Preview() {
    }

    /** One written sample. */
    public record Sample(int index, String key, String label, int width, int height) {
    }

    /**
     * @param shuffle samples in the epoch's shuffled order (from the seed) instead of the first ones
     * @return the samples written, in order
     */
    public static List<Sample> write(Container container, Transform transform, int count, long seed, int epoch,
                                     boolean shuffle, Path out) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1");
        }
        int n = Math.min(count, container.size());
        Files.createDirectories(out);
        Transform hwc = transform.withOutput(Transform.Output.UINT8_HWC);
        Sampler sampler = shuffle ? Sampler.shuffled(container.size(), seed) : Sampler.sequential(container.size());
        List<Sample> samples = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(container).batchSize(n).workers(Math.min(2, n)).prefetch(1)
                .transform(hwc).sampler(sampler).seed(seed).build();
             PointerScope scope = new PointerScope()) {
            int channels = loader.channels();
            int fullWidth = loader.width();
            int height = loader.height();
            for (Batch batch : loader.epoch(epoch)) {
                int width = batch.paddedWidth();
                String[] keys = batch.keys();
                String[] labels = batch.texts();
                ByteBuffer pixels = batch.imageBuffer();
                int columns = (int) Math.ceil(Math.sqrt(batch.size()));
                int rows = (batch.size() + columns - 1) / columns;
                int cellW = Math.max(width, 64) + 4;
                int cellH = height + LABEL_BAND + 4;
                Mat grid = new Mat(rows * cellH, columns * cellW, opencv_core.CV_8UC3, Scalar.all(255));
                for (int i = 0; i < batch.size(); i++) {
                    int index = batch.index(i);
                    Mat image = sampleImage(pixels, i, channels, fullWidth, height, width);
                    if (!opencv_imgcodecs.imwrite(out.resolve("sample-" + index + ".png").toString(), image)) {
                        throw new IOException("cannot write " + out.resolve("sample-" + index + ".png"));
                    }
                    int x = (i % columns) * cellW + 2;
                    int y = (i / columns) * cellH + 2;
                    Mat colour = new Mat();
                    if (channels == 1) {
                        opencv_imgproc.cvtColor(image, colour, opencv_imgproc.COLOR_GRAY2BGR);
                    } else {
                        colour = image;
                    }
                    colour.copyTo(new Mat(grid, new Rect(x, y, width, height)));
                    opencv_imgproc.putText(grid, caption(index, labels[i], cellW), new Point(x, y + height + LABEL_BAND - 5),
                            opencv_imgproc.FONT_HERSHEY_PLAIN, 1.0, Scalar.all(0), 1, opencv_imgproc.LINE_AA, false);
                    samples.add(new Sample(index, keys[i], labels[i], batch.width(i), height));
                }
                if (!opencv_imgcodecs.imwrite(out.resolve("grid.png").toString(), grid)) {
                    throw new IOException("cannot write " + out.resolve("grid.png"));
                }
                break; // one batch of n samples
            }
        }
        StringBuilder tsv = new StringBuilder("index\tkey\tlabel\twidth\theight\n");
        for (Sample s : samples) {
            tsv.append(s.index()).append('\t').append(TextEscape.escape(s.key())).append('\t')
                    .append(TextEscape.escape(s.label())).append('\t').append(s.width()).append('\t').append(s.height())
                    .append('\n');
        }
        Files.writeString(out.resolve("samples.tsv"), tsv.toString(), StandardCharsets.UTF_8);
        return samples;
    }

    /** Sample i of a uint8 HWC RGB batch, its first {@code width} columns, as a BGR (or gray) Mat that owns its pixels. */
    private static Mat sampleImage(ByteBuffer pixels, int i, int channels, int fullWidth, int height, int width) {
        long sampleBytes = (long) fullWidth * height * channels;
        BytePointer base = new BytePointer(pixels).position(i * sampleBytes);
        Mat whole = new Mat(height, fullWidth, channels == 1 ? opencv_core.CV_8UC1 : opencv_core.CV_8UC3, base);
        Mat image = new Mat();
        if (channels == 1) {
            new Mat(whole, new Rect(0, 0, width, height)).copyTo(image);
        } else {
            opencv_imgproc.cvtColor(new Mat(whole, new Rect(0, 0, width, height)), image, opencv_imgproc.COLOR_RGB2BGR);
        }
        return image;
    }

    /** "index: label", cut to the cell and with characters OpenCV's Hershey fonts lack shown as '?'. */
    private static String caption(int index, String label, int cellWidth) {
        StringBuilder b = new StringBuilder().append(index).append(": ");
        label.codePoints().forEach(cp -> b.append(cp >= 32 && cp < 127 ? (char) cp : '?'));
        int max = Math.max(4, cellWidth / 10);
        return b.length() > max ? b.substring(0, max - 1) + "~" : b.toString();
    }
}
