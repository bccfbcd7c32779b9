package dev.bale.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.bale.container.ContainerWriter;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Test records: real JPEG and PNG bytes encoded by OpenCV from small noisy, textured images (so
 * every record's bytes are unique and incompressible enough to be found again on disk), with keys
 * like {@code cat/img_001.jpg}, class ids, and the image's true dimensions.
 */
public final class Fixtures {

    /**
     * Class names that are awkward on purpose: spaces, a tab, a backslash, non-Latin letters and a
     * character outside the BMP.
     */
    public static final List<String> CLASSES = List.of(
            "cat", "dog house", "tab\there", "ünïcødé 猫 🐈", "back\\slash");

    /** One record as it is packed. {@code bytes} is shared: do not modify it. */
    public record Image(String key, int classId, byte[] bytes, int width, int height, int channels, String format) {
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        public int length() {
            return bytes.length;
        }
    }

    private static final Map<String, List<Image>> CACHE = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** {@code n} records over {@link #CLASSES}, the same for the same {@code n} and {@code seed}. */
    public static List<Image> images(int n, long seed) {
        return CACHE.computeIfAbsent(n + "/" + seed, k -> make(n, seed, CLASSES.size()));
    }

    private static List<Image> make(int n, long seed, int classCount) {
        List<Image> images = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Random rng = new Random(seed * 1_000_003L + i);
            int width = 32 + rng.nextInt(65);
            int height = 32 + rng.nextInt(65);
            // JPEG colour, PNG colour, JPEG grey, PNG with alpha, PNG grey.
            int kind = i % 5;
            int channels = switch (kind) {
                case 0, 1 -> 3;
                case 2, 4 -> 1;
                default -> 4;
            };
            String format = kind == 0 || kind == 2 ? "jpg" : "png";
            int classId = (i * 3 + 1) % classCount;
            byte[] encoded = encode(texture(rng, width, height, channels), width, height, channels, format, rng);
            String key = CLASSES.get(classId).replace('\t', ' ') + "/img_" + String.format("%03d", i) + "." + format;
            images.add(new Image(key, classId, encoded, width, height, channels, format));
        }
        return List.copyOf(images);
    }

    /** Gradients, a few stripes and per-pixel noise. */
    private static byte[] texture(Random rng, int width, int height, int channels) {
        byte[] pixels = new byte[width * height * channels];
        int gx = 1 + rng.nextInt(5);
        int gy = 1 + rng.nextInt(5);
        int stripe = 3 + rng.nextInt(9);
        int at = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int base = x * gx + y * gy + (((x + y) / stripe) % 2 == 0 ? 40 : 0);
                for (int c = 0; c < channels; c++) {
                    pixels[at++] = (byte) (base + c * 50 + rng.nextInt(64));
                }
            }
        }
        return pixels;
    }

    private static byte[] encode(byte[] pixels, int width, int height, int channels, String format, Random rng) {
        int type = channels == 1 ? CV_8UC1 : channels == 3 ? CV_8UC3 : CV_8UC4;
        try (BytePointer data = new BytePointer(pixels);
             Mat mat = new Mat(height, width, type, data);
             BytePointer out = new BytePointer()) {
            boolean ok;
            if (format.equals("jpg")) {
                try (IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 70 + rng.nextInt(26))) {
                    ok = imencode(".jpg", mat, out, params);
                }
            } else {
                ok = imencode(".png", mat, out);
            }
            if (!ok || out.limit() <= 0) {
                throw new IllegalStateException("OpenCV could not encode a " + format);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    public static long totalBytes(List<Image> images) {
        return images.stream().mapToLong(Image::length).sum();
    }

    public static int[] classIds(List<Image> images) {
        return images.stream().mapToInt(Image::classId).toArray();
    }

    /** Where a container of {@code layout} goes inside {@code dir}. */
    public static Path containerPath(Layout layout, Path dir) {
        return dir.resolve("fixture." + layout.id());
    }

    /**
     * The file holding the records' bytes: {@code data.bin}, {@code data.mdb}, the SQLite database
     * or the TFRecord file.
     */
    public static Path dataFile(Layout layout, Path container) {
        return switch (layout) {
            case BIN -> container.resolve("data.bin");
            case LMDB -> container.resolve("data.mdb");
            case SQLITE, TFRECORD -> container;
        };
    }

    /** Packs {@code images} into a new container of {@code layout} at {@link #containerPath}. */
    public static Path write(Layout layout, Path dir, List<Image> images) throws IOException {
        return write(layout, containerPath(layout, dir), CLASSES, images);
    }

    /**
     * Packs {@code images} at {@code path} through {@link Containers#create}, {@code append} and
     * {@code finish}. Half the records go in through one reused direct buffer, the other half as
     * heap buffers whose position is not 0, as a real packer might hand them over.
     */
    public static Path write(Layout layout, Path path, List<String> classes, List<Image> images) throws IOException {
        ByteBuffer reused = ByteBuffer.allocateDirect(1 << 10);
        try (ContainerWriter writer = Containers.create(layout, path, classes, totalBytes(images))) {
            for (int i = 0; i < images.size(); i++) {
                Image image = images.get(i);
                ByteBuffer data;
                if (i % 2 == 0) {
                    if (reused.capacity() < image.length()) {
                        reused = ByteBuffer.allocateDirect(image.length() * 2);
                    }
                    reused.clear();
                    reused.put(image.bytes()).flip();
                    data = reused;
                } else {
                    byte[] padded = new byte[image.length() + 13];
                    System.arraycopy(image.bytes(), 0, padded, 7, image.length());
                    data = ByteBuffer.wrap(padded, 7, image.length());
                }
                writer.append(image.key(), image.classId(), data);
            }
            writer.finish();
        }
        return path;
    }

    /** The first index of {@code needle} in {@code haystack} at or after {@code from}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** How often {@code needle} occurs in {@code haystack} (overlaps counted). */
    public static int occurrences(byte[] haystack, byte[] needle) {
        int count = 0;
        for (int at = indexOf(haystack, needle, 0); at >= 0; at = indexOf(haystack, needle, at + 1)) {
            count++;
        }
        return count;
    }

    /** A copy of a buffer's remaining bytes, position unchanged. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
