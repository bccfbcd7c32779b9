package dev.bale.image.opencv;

import dev.bale.container.RawPixels;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Raw pixel records (pickled arrays, raw Caffe Datums) as OpenCV images: lossless PNG for
 * {@code convert}, and pixel comparison with an encoded image for {@code verify}.
 */
public final class RawImages {
    private RawImages() {
    }

    /** The pixels as an 8-bit BGR (or gray) image, in a new Mat owned by the caller's scope. */
    private static Mat toImage(ByteBuffer pixels, RawPixels shape) {
        if (shape.bytes() != pixels.remaining()) {
            throw new IllegalArgumentException("raw image " + shape + " needs " + shape.bytes() + " bytes, got " + pixels.remaining());
        }
        ByteBuffer direct = pixels.isDirect() ? pixels.slice()
                : ByteBuffer.allocateDirect(pixels.remaining()).put(pixels.duplicate()).flip();
        BytePointer data = new BytePointer(direct);
        int h = shape.height();
        int w = shape.width();
        Mat out = new Mat();
        if (shape.channels() == 1) {
            new Mat(h, w, opencv_core.CV_8UC1, data).copyTo(out);
        } else if (shape.planar()) {
            long plane = (long) h * w;
            Mat[] planes = {new Mat(h, w, opencv_core.CV_8UC1, data),
                    new Mat(h, w, opencv_core.CV_8UC1, new BytePointer(data).position(plane)),
                    new Mat(h, w, opencv_core.CV_8UC1, new BytePointer(data).position(2 * plane))};
            MatVector bgr = shape.bgr() ? new MatVector(planes[0], planes[1], planes[2])
                    : new MatVector(planes[2], planes[1], planes[0]);
            opencv_core.merge(bgr, out);
        } else if (shape.bgr()) {
            new Mat(h, w, opencv_core.CV_8UC3, data).copyTo(out);
        } else {
            opencv_imgproc.cvtColor(new Mat(h, w, opencv_core.CV_8UC3, data), out, opencv_imgproc.COLOR_RGB2BGR);
        }
        return out;
    }

    /**
     * zlib's own defaults (level 6, default strategy, libpng's adaptive filters), as PIL writes PNGs.
     * OpenCV's default (level 1, RLE strategy, SUB filter only) is tuned for speed: on 28x28 images
     * pickled as RGB it writes 1.7x, on 32x32 colour 1.07x, on photo-like 500x375 1.03x these bytes,
     * and convert is written once and read for many epochs.
     */
    private static final int[] SMALL = {opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 6,
            opencv_imgcodecs.IMWRITE_PNG_STRATEGY, opencv_imgcodecs.IMWRITE_PNG_STRATEGY_DEFAULT};

    /** A lossless PNG of the pixels, checked by decoding it again and comparing every pixel. */
    public static byte[] png(ByteBuffer pixels, RawPixels shape) {
        return png(pixels, shape, false);
    }

    /**
     * As {@link #png(ByteBuffer, RawPixels)}; {@code stored} writes the pixels uncompressed (zlib level
     * 0: deflate's stored blocks), the size of the raw pixels, with nothing to inflate when read.
     */
    public static byte[] png(ByteBuffer pixels, RawPixels shape, boolean stored) {
        try (PointerScope scope = new PointerScope()) {
            Mat image = toImage(pixels, shape);
            BytePointer encoded = new BytePointer();
            IntPointer params = new IntPointer(stored ? new int[] {opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 0} : SMALL);
            if (!opencv_imgcodecs.imencode(".png", image, encoded, params)) {
                throw new IllegalStateException("OpenCV could not encode a PNG of " + shape);
            }
            byte[] png = new byte[(int) encoded.limit()];
            encoded.get(png);
            String mismatch = differs(ByteBuffer.allocateDirect(png.length).put(png).flip(), image);
            if (mismatch != null) {
                throw new IllegalStateException("PNG of " + shape + " does not decode to the same pixels: " + mismatch);
            }
            return png;
        }
    }

    /** Null when {@code encoded} decodes to exactly these raw pixels, else how it differs. */
    public static String differs(ByteBuffer encoded, ByteBuffer pixels, RawPixels shape) {
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer direct = encoded.isDirect() ? encoded.slice()
                    : ByteBuffer.allocateDirect(encoded.remaining()).put(encoded.duplicate()).flip();
            return differs(direct, toImage(pixels, shape));
        }
    }

    private static String differs(ByteBuffer encodedDirect, Mat expected) {
        Mat buf = new Mat(1, encodedDirect.remaining(), opencv_core.CV_8UC1, new BytePointer(encodedDirect));
        Mat decoded = opencv_imgcodecs.imdecode(buf, expected.channels() == 1 ? opencv_imgcodecs.IMREAD_GRAYSCALE
                : opencv_imgcodecs.IMREAD_COLOR);
        if (decoded == null || decoded.empty()) {
            return "not a decodable image";
        }
        if (decoded.rows() != expected.rows() || decoded.cols() != expected.cols() || decoded.channels() != expected.channels()) {
            return "decodes to " + decoded.cols() + "x" + decoded.rows() + "x" + decoded.channels() + ", the raw image is "
                    + expected.cols() + "x" + expected.rows() + "x" + expected.channels();
        }
        Mat diff = new Mat();
        opencv_core.absdiff(decoded, expected, diff);
        int different = opencv_core.countNonZero(diff.reshape(1));
        return different == 0 ? null : different + " pixel values differ";
    }
}
