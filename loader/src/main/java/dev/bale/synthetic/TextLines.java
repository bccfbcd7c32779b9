package dev.bale.synthetic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Generated text-recognition data: lines of random words rendered with OpenCV's putText in several
 * Hershey fonts, scales, thicknesses and gray levels, with noise, as JPEGs labelled with their text.
 * Deterministic from the seed. (Hershey fonts draw ASCII only, so the labels are ASCII.)
 */
public final class TextLines {
    private static final int[] FONTS = {opencv_imgproc.FONT_HERSHEY_SIMPLEX, opencv_imgproc.FONT_HERSHEY_DUPLEX,
        opencv_imgproc.FONT_HERSHEY_COMPLEX, opencv_imgproc.FONT_HERSHEY_TRIPLEX, opencv_imgproc.FONT_HERSHEY_PLAIN};
    private static final String[] WORDS = {"bale", "pack", "lmdb", "sqlite", "record", "text", "line", "Java", "torch",
        "batch", "42", "2026", "OCR", "model", "fast", "image", "tensor", "CTC", "ratio", "x7", "shard", "loader"};

    private TextLines() {
    }

    /** One generated line: its text and its JPEG bytes. */
    public record Line(String text, byte[] jpeg) {
    }

    /** Line {@code index} of the dataset with this seed. */
    public static Line line(long seed, int index) {
        Random rng = new Random(seed * 1_000_003L + index);
        StringBuilder text = new StringBuilder();
        int words = 1 + rng.nextInt(5);
        for (int w = 0; w < words; w++) {
            text.append(w > 0 ? " " : "").append(WORDS[rng.nextInt(WORDS.length)]);
        }
        int font = FONTS[rng.nextInt(FONTS.length)];
        double scale = 0.6 + rng.nextDouble() * 0.9;
        int thickness = 1 + rng.nextInt(2);
        try (PointerScope scope = new PointerScope()) {
            int[] baseline = new int[1];
            Size size = opencv_imgproc.getTextSize(text.toString(), font, scale, thickness, baseline);
            int marginX = 4 + rng.nextInt(8);
            int marginY = 3 + rng.nextInt(6);
            int width = size.width() + 2 * marginX;
            int height = size.height() + baseline[0] + 2 * marginY;
            int paper = 200 + rng.nextInt(56);
            int ink = rng.nextInt(90);
            Mat img = new Mat(height, width, opencv_core.CV_8UC3, Scalar.all(paper));
            opencv_imgproc.putText(img, text.toString(), new Point(marginX, marginY + size.height()), font, scale,
                    new Scalar(ink, ink + rng.nextInt(20), ink + rng.nextInt(20), 0), thickness, opencv_imgproc.LINE_AA,
                    false);
            // Gaussian noise, from the same generator so that the line is deterministic.
            double sigma = 4 + rng.nextInt(10);
            byte[] pixels = new byte[width * height * 3];
            img.data().get(pixels);
            for (int i = 0; i < pixels.length; i++) {
                int v = (pixels[i] & 0xFF) + (int) Math.round(rng.nextGaussian() * sigma);
                pixels[i] = (byte) Math.max(0, Math.min(255, v));
            }
            img.data().put(pixels);
            BytePointer out = new BytePointer();
            opencv_imgcodecs.imencode(".jpg", img, out, new org.bytedeco.javacpp.IntPointer(
                    opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 90));
            byte[] jpeg = new byte[(int) out.limit()];
            out.get(jpeg);
            return new Line(text.toString(), jpeg);
        }
    }

    /**
     * Writes {@code count} lines as {@code root/lines/NNNNNN.jpg} and the list file
     * {@code root/labels.txt} ({@code path<TAB>text} per line); returns the list file.
     */
    public static Path write(Path root, int count, long seed) throws IOException {
        Files.createDirectories(root.resolve("lines"));
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Line line = line(seed, i);
            String name = String.format("lines/%06d.jpg", i);
            Files.write(root.resolve(name), line.jpeg());
            list.append(name).append('\t').append(line.text()).append('\n');
        }
        Path labels = root.resolve("labels.txt");
        Files.writeString(labels, list.toString(), StandardCharsets.UTF_8);
        return labels;
    }
}
