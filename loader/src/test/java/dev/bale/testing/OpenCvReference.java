package dev.bale.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.bale.nativ.BaleNative;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The transform of bale::decode_transform written with org.bytedeco's OpenCV Java API, making the same
 * OpenCV calls with the same arguments in the same order, so that the outputs must match bit for bit.
 */
public final class OpenCvReference {
    private OpenCvReference() {
    }

    public static int decodeFlags(NativeParams t) {
        int flags = switch (t.reduce) {
            case 1 -> t.grayscale ? opencv_imgcodecs.IMREAD_GRAYSCALE : opencv_imgcodecs.IMREAD_COLOR;
            case 2 -> t.grayscale ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> t.grayscale ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> t.grayscale ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduce " + t.reduce);
        };
        return flags | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    }

    /** The transformed image, in a new direct buffer of {@code t.outputBytes()} bytes. */
    public static ByteBuffer apply(ByteBuffer encoded, NativeParams t) {
        ByteBuffer out = ByteBuffer.allocateDirect(t.outputBytes()).order(ByteOrder.nativeOrder());
        try (PointerScope scope = new PointerScope()) {
            Mat buf = new Mat(1, encoded.remaining(), CV_8UC1, new BytePointer(encoded));
            Mat decoded = opencv_imgcodecs.imdecode(buf, decodeFlags(t));
            if (decoded.empty()) {
                throw new IllegalArgumentException("reference could not decode");
            }
            boolean whole = t.cropX == 0 && t.cropY == 0 && t.cropW == 0 && t.cropH == 0;
            Mat img = whole ? decoded : new Mat(decoded, new Rect(t.cropX, t.cropY, t.cropW, t.cropH));
            if (img.cols() != t.outW || img.rows() != t.outH) {
                Mat resized = new Mat();
                opencv_imgproc.resize(img, resized, new Size(t.outW, t.outH), 0, 0, opencv_imgproc.INTER_LINEAR);
                img = resized;
            }
            if (t.flip) {
                opencv_core.flip(img, img, 1);
            }
            jitter(img, t);
            write(img, t, out);
        }
        return out;
    }

    private static void jitter(Mat img, NativeParams t) {
        if (t.brightness != 1f) {
            img.convertTo(img, -1, t.brightness, 0);
        }
        if (t.contrast != 1f) {
            double mean;
            if (img.channels() == 3) {
                Mat gray = new Mat();
                opencv_imgproc.cvtColor(img, gray, opencv_imgproc.COLOR_BGR2GRAY);
                mean = opencv_core.mean(gray).get(0);
            } else {
                mean = opencv_core.mean(img).get(0);
            }
            double c = t.contrast;
            img.convertTo(img, -1, c, (1.0 - c) * mean);
        }
        if (t.saturation != 1f && img.channels() == 3) {
            Mat gray = new Mat();
            Mat gray3 = new Mat();
            opencv_imgproc.cvtColor(img, gray, opencv_imgproc.COLOR_BGR2GRAY);
            opencv_imgproc.cvtColor(gray, gray3, opencv_imgproc.COLOR_GRAY2BGR);
            double s = t.saturation;
            opencv_core.addWeighted(img, s, gray3, 1.0 - s, 0.0, img);
        }
    }

    private static void write(Mat img, NativeParams t, ByteBuffer out) {
        int h = t.outH;
        int w = t.outW;
        long plane = (long) w * h;
        BytePointer base = new BytePointer(out);
        boolean colour = img.channels() == 3;
        switch (t.output) {
            case BaleNative.OUTPUT_FLOAT32_CHW -> {
                MatVector planes = new MatVector();
                if (colour) {
                    opencv_core.split(img, planes);
                }
                for (int c = 0; c < img.channels(); c++) {
                    Mat source = colour ? planes.get(2 - c) : img;
                    Mat target = new Mat(h, w, CV_32F, new BytePointer(base).position(c * plane * Float.BYTES));
                    source.convertTo(target, CV_32F, 1.0 / (255.0 * t.std[c]), -(double) t.mean[c] / t.std[c]);
                }
            }
            case BaleNative.OUTPUT_UINT8_CHW -> {
                if (colour) {
                    opencv_core.split(img, new MatVector(
                            new Mat(h, w, CV_8U, new BytePointer(base).position(2 * plane)),
                            new Mat(h, w, CV_8U, new BytePointer(base).position(plane)),
                            new Mat(h, w, CV_8U, base)));
                } else {
                    img.copyTo(new Mat(h, w, CV_8U, base));
                }
            }
            case BaleNative.OUTPUT_UINT8_HWC -> {
                if (colour) {
                    opencv_imgproc.cvtColor(img, new Mat(h, w, CV_8UC3, base), opencv_imgproc.COLOR_BGR2RGB);
                } else {
                    img.copyTo(new Mat(h, w, CV_8U, base));
                }
            }
            default -> throw new IllegalArgumentException("output " + t.output);
        }
    }
}
