package dev.bale.examples.classify;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Fashion-MNIST as a user would bring it to Bale: Debian's {@code dataset-fashion-mnist} installs the
 * original IDX files (gzipped); they are written out once as two ImageFolders of 28x28 PNGs, which
 * {@code bale pack} then packs like any folder of images.
 */
public final class FashionMnist {
    /** Debian's install folder. */
    public static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class folder names; the leading digit keeps the sorted order (Bale's class ids) equal to the labels. */
    public static final List<String> CLASSES = List.of("0-tshirt-top", "1-trouser", "2-pullover", "3-dress", "4-coat",
            "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-ankle-boot");

    private FashionMnist() {
    }

    /** Installs the Debian package when the files are missing (as root), else says what to run. */
    public static void ensureInstalled(Path installer) throws IOException {
        if (Files.exists(DEBIAN.resolve("train-images-idx3-ubyte.gz"))) {
            return;
        }
        if (!Files.exists(installer)) {
            throw new IOException(DEBIAN + " is missing and so is " + installer + ": run apt-get install dataset-fashion-mnist");
        }
        Process process = new ProcessBuilder("bash", installer.toString()).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException("Fashion-MNIST is not installed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing Fashion-MNIST");
        }
        if (!Files.exists(DEBIAN.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IOException("dataset-fashion-mnist is installed but " + DEBIAN + " has no train-images-idx3-ubyte.gz");
        }
    }

    /**
     * Writes {@code split} ("train" or "t10k") of the IDX files in {@code idxDir} as PNGs under
     * {@code out}/CLASS/NNNNN.png. Returns the number of images.
     */
    public static int writeImageFolder(Path idxDir, String split, Path out) throws IOException {
        byte[] labels = readIdx(idxDir.resolve(split + "-labels-idx1-ubyte.gz"), 0x00000801, null);
        int[] shape = new int[3];
        byte[] images = readIdx(idxDir.resolve(split + "-images-idx3-ubyte.gz"), 0x00000803, shape);
        if (shape[0] != labels.length) {
            throw new IOException(idxDir + ": " + split + " has " + shape[0] + " images but " + labels.length + " labels");
        }
        for (String name : CLASSES) {
            Files.createDirectories(out.resolve(name));
        }
        int pixels = shape[1] * shape[2];
        try (BytePointer data = new BytePointer(pixels); Mat image = new Mat(shape[1], shape[2], CV_8UC1, data)) {
            for (int i = 0; i < shape[0]; i++) {
                int label = labels[i] & 0xff;
                if (label >= CLASSES.size()) {
                    throw new IOException(split + " label " + i + " is " + label + ", not 0-9");
                }
                data.position(0).put(images, i * pixels, pixels);
                Path file = out.resolve(CLASSES.get(label)).resolve(String.format("%05d.png", i));
                if (!imwrite(file.toString(), image)) {
                    throw new IOException("cannot write " + file);
                }
            }
        }
        return shape[0];
    }

    /** An IDX file's payload; checks the magic and that the sizes it claims are sane and present. */
    static byte[] readIdx(Path file, int magic, int[] imageShape) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int found = in.readInt();
            if (found != magic) {
                throw new IOException(file + ": magic " + Integer.toHexString(found) + ", expected " + Integer.toHexString(magic));
            }
            int dims = magic & 0xff;
            long count = 1;
            for (int d = 0; d < dims; d++) {
                int size = in.readInt();
                if (size <= 0 || size > 10_000_000) {
                    throw new IOException(file + ": dimension " + d + " is " + size);
                }
                if (imageShape != null) {
                    imageShape[d] = size;
                }
                count *= size;
            }
            if (count > 256L << 20) {
                throw new IOException(file + ": claims " + count + " bytes");
            }
            byte[] payload = in.readNBytes((int) count);
            if (payload.length != count) {
                throw new IOException(file + ": truncated (" + payload.length + " of " + count + " bytes)");
            }
            return payload;
        }
    }
}
