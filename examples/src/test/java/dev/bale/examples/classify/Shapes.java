package dev.bale.examples.classify;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** A tiny classification set made with OpenCV: four shapes, each at a random place, size and grey level. */
final class Shapes {
    static final List<String> CLASSES = List.of("circle", "cross", "square", "triangle");
    static final int SIDE = 28;

    private Shapes() {
    }

    /** {@code perClass} PNGs per shape under {@code root}/SHAPE/, packed into a bin container at {@code out}. */
    static Container packed(Path root, Path out, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String shape : CLASSES) {
            Path dir = root.resolve(shape);
            Files.createDirectories(dir);
            for (int i = 0; i < perClass; i++) {
                try (Mat image = new Mat(SIDE, SIDE, CV_8UC1, new Scalar(random.nextInt(40)))) {
                    draw(image, shape, random);
                    imwrite(dir.resolve(String.format("%04d.png", i)).toString(), image);
                }
            }
        }
        Packer.pack(new SourceInput(Source.folder(root)), out, PackOptions.of(Layout.BIN), PackListener.NONE);
        return Containers.open(out);
    }

    private static void draw(Mat image, String shape, Random random) {
        int r = 6 + random.nextInt(5);
        int cx = r + 1 + random.nextInt(SIDE - 2 * r - 2);
        int cy = r + 1 + random.nextInt(SIDE - 2 * r - 2);
        Scalar grey = new Scalar(140 + random.nextInt(116));
        switch (shape) {
            case "circle" -> circle(image, new Point(cx, cy), r, grey, FILLED, 8, 0);
            case "square" -> rectangle(image, new Point(cx - r, cy - r), new Point(cx + r, cy + r), grey, FILLED, 8, 0);
            case "cross" -> {
                line(image, new Point(cx - r, cy - r), new Point(cx + r, cy + r), grey, 2, 8, 0);
                line(image, new Point(cx - r, cy + r), new Point(cx + r, cy - r), grey, 2, 8, 0);
            }
            default -> {
                try (Mat points = new Mat(1, 3, org.bytedeco.opencv.global.opencv_core.CV_32SC2)) {
                    IntPointer p = new IntPointer(points.data());
                    p.put(0, cx).put(1, cy - r).put(2, cx - r).put(3, cy + r).put(4, cx + r).put(5, cy + r);
                    fillPoly(image, new org.bytedeco.opencv.opencv_core.MatVector(points), grey);
                }
            }
        }
    }
}
