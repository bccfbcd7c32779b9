package dev.bale.nativ;

import dev.bale.synthetic.SyntheticDataset;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * JPEGs of every layout the region decoder must reproduce exactly: each chroma subsampling OpenCV
 * can write, grayscale, progressive, restart markers, and sizes that are not multiples of the iMCU.
 * Made from the demo's photo-like images (sharp colour edges, texture, noise), re-encoded.
 */
final class JpegVariants {
    record Variant(String name, byte[] jpeg, int width, int height) {
        @Override
        public String toString() {
            return name + " " + width + "x" + height;
        }
    }

    private static final SyntheticDataset.Spec PHOTOS = SyntheticDataset.Spec.photos(100, 500, 375);

    private JpegVariants() {
    }

    static List<Variant> all() {
        int s420 = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420;
        int s422 = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422;
        int s444 = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444;
        int s440 = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_440;
        int s411 = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_411;
        List<Variant> out = new ArrayList<>();
        out.add(make("4:2:0", 0, 500, 375, false, s420, false, 0));
        out.add(make("4:2:2", 1, 500, 375, false, s422, false, 0));
        out.add(make("4:4:4", 2, 500, 375, false, s444, false, 0));
        out.add(make("4:4:0", 3, 500, 375, false, s440, false, 0));
        out.add(make("4:1:1", 4, 500, 375, false, s411, false, 0));
        out.add(make("gray", 5, 500, 375, true, s444, false, 0));
        out.add(make("progressive 4:2:0", 6, 500, 375, false, s420, true, 0));
        out.add(make("progressive 4:4:4", 7, 500, 375, false, s444, true, 0));
        out.add(make("progressive gray", 8, 333, 251, true, s444, true, 0));
        out.add(make("restart 4:2:0", 9, 500, 375, false, s420, false, 3));
        out.add(make("restart 4:2:2 odd", 10, 437, 299, false, s422, false, 1));
        out.add(make("odd 4:2:0", 11, 333, 251, false, s420, false, 0));
        out.add(make("odd 4:4:4", 12, 331, 253, false, s444, false, 0));
        out.add(make("small 4:2:0", 13, 17, 9, false, s420, false, 0));
        out.add(make("one pixel wide", 14, 1, 77, false, s420, false, 0));
        return out;
    }

    /** Image {@code index} of the demo's photos, cut to width x height from its top-left corner. */
    static Variant make(String name, int index, int width, int height, boolean gray, int sampling,
            boolean progressive, int restartInterval) {
        byte[] photo = SyntheticDataset.encode(PHOTOS, index);
        try (PointerScope scope = new PointerScope()) {
            Mat decoded = opencv_imgcodecs.imdecode(new Mat(new BytePointer(photo)), opencv_imgcodecs.IMREAD_COLOR);
            Mat image = new Mat(decoded, new Rect(0, 0, width, height)).clone();
            if (gray) {
                Mat g = new Mat();
                opencv_imgproc.cvtColor(image, g, opencv_imgproc.COLOR_BGR2GRAY);
                image = g;
            }
            IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 92,
                    opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR, sampling,
                    opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0,
                    opencv_imgcodecs.IMWRITE_JPEG_RST_INTERVAL, restartInterval);
            BytePointer encoded = new BytePointer();
            if (!opencv_imgcodecs.imencode(".jpg", image, encoded, params)) {
                throw new IllegalStateException("could not encode " + name);
            }
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            return new Variant(name, bytes, width, height);
        }
    }
}
