package dev.bale.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.synthetic.SyntheticDataset;
import dev.bale.loader.SampleDecoder;
import dev.bale.sample.Seeds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bale's ops against torchvision's own functional ops on the same PNG (lossless, so both start from
 * the same pixels), with the random parameters drawn by Bale and handed to torchvision. Runs only
 * where {@code /usr/bin/python3} imports torchvision (the bench's peer installs it); skipped
 * otherwise. Tolerance: mean absolute difference under 1.5 levels and 99 % of values within 2 —
 * OpenCV interpolates in fixed point, torchvision in float; at the borders torchvision blends the
 * fill through a mask.
 */
class TorchvisionComparisonTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int W = 320;
    private static final int H = 240;

    @TempDir
    static Path dir;
    private static Path png;
    private static ByteBuffer encoded;
    private static boolean present;

    @BeforeAll
    static void check() throws Exception {
        present = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import torchvision")) == 0;
        if (!present) {
            return;
        }
        byte[] jpeg = SyntheticDataset.encode(new SyntheticDataset.Spec(1, 1, W, H, false, 3), 0);
        try (PointerScope scope = new PointerScope()) {
            Mat img = opencv_imgcodecs.imdecode(new Mat(1, jpeg.length, opencv_core.CV_8UC1, new BytePointer(jpeg)),
                    opencv_imgcodecs.IMREAD_COLOR);
            png = dir.resolve("image.png");
            opencv_imgcodecs.imwrite(png.toString(), img);
        }
        byte[] bytes = Files.readAllBytes(png);
        encoded = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** torchvision's output of {@code expression} (over img, a uint8 CHW tensor; F is functional) as uint8 CHW. */
    private static byte[] torchvision(String expression) throws Exception {
        Path out = dir.resolve("out.bin");
        Path script = dir.resolve("op.py");
        Files.writeString(script, String.join("\n",
                "import sys, torch",
                "import torchvision.transforms.functional as F",
                "from torchvision.io import read_image",
                "from torchvision.transforms import InterpolationMode",
                "BILINEAR = InterpolationMode.BILINEAR",
                "img = read_image(sys.argv[1])",
                "out = " + expression,
                "open(sys.argv[2], 'wb').write(out.contiguous().numpy().tobytes())", ""));
        assertEquals(0, run(List.of(PYTHON, script.toString(), png.toString(), out.toString())),
                Files.readString(dir.resolve("python.log")));
        return Files.readAllBytes(out);
    }

    private static byte[] bale(Transform t, int index, int outW, int outH) {
        ByteBuffer out = ByteBuffer.allocateDirect(outW * outH * 3);
        try (SampleDecoder d = new SampleDecoder(t.withOutput(Transform.Output.UINT8_CHW), 1, 3, outW, outH)) {
            d.decode(encoded, 0, index, out, 0);
        }
        byte[] b = new byte[out.capacity()];
        out.get(0, b);
        return b;
    }

    private static void assertClose(byte[] expected, byte[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        double sum = 0;
        int within = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            sum += d;
            within += d <= 2 ? 1 : 0;
        }
        double mean = sum / expected.length;
        assertTrue(mean < 1.5 && within >= 0.99 * expected.length,
                what + ": mean difference " + mean + ", " + within + " of " + expected.length + " within 2");
    }

    @Test
    void resizeRotateFlipCropAffinePerspective() throws Exception {
        Assumptions.assumeTrue(present, "skipped: " + PYTHON + " with torchvision is not installed "
                + "(bench/peer/install_peer.sh installs it)");
        assertClose(torchvision("F.resize(img, [200, 150], interpolation=BILINEAR, antialias=False)"),
                bale(Transform.compose(Resize.to(200, 150)), 0, 150, 200), "resize");
        assertClose(torchvision("F.rotate(img, 30.0, interpolation=BILINEAR)"),
                bale(Transform.compose(RandomRotation.of(30, 30, 0)), 0, W, H), "rotate");
        assertClose(torchvision("F.center_crop(F.hflip(img), [200, 300])"),
                bale(Transform.compose(RandomHorizontalFlip.of(1), CenterCrop.of(200, 300)), 0, 300, 200), "flip + crop");
        RandomAffine affine = RandomAffine.of(-20, 20, new double[] {0.1, 0.1}, new double[] {0.8, 1.2},
                new double[] {-10, 10, -5, 5}, 0);
        double[] a = affine.draw(W, H, new SplittableRandom(Seeds.mix(1, 0, 4)));
        assertClose(torchvision(String.format("F.affine(img, angle=%s, translate=[%d, %d], scale=%s, shear=[%s, %s], "
                        + "interpolation=BILINEAR)", a[0], (int) a[1], (int) a[2], a[3], a[4], a[5])),
                bale(Transform.compose(affine), 4, W, H), "affine");
        RandomPerspective perspective = RandomPerspective.of(0.5, 1);
        int[] e = perspective.draw(W, H, new SplittableRandom(Seeds.mix(1, 0, 7)));
        List<String> end = new ArrayList<>();
        for (int k = 0; k < 8; k += 2) {
            end.add("[" + e[k] + ", " + e[k + 1] + "]");
        }
        assertClose(torchvision("F.perspective(img, [[0, 0], [" + (W - 1) + ", 0], [" + (W - 1) + ", " + (H - 1)
                        + "], [0, " + (H - 1) + "]], [" + String.join(", ", end) + "], interpolation=BILINEAR)"),
                bale(Transform.compose(perspective), 7, W, H), "perspective");
    }
}
