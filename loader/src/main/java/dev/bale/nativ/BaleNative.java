package dev.bale.nativ;

import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByRef;
import org.bytedeco.javacpp.annotation.ByVal;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.opencv.presets.opencv_imgcodecs;
import org.bytedeco.opencv.presets.opencv_imgproc;

/**
 * JavaCPP binding of {@code native/include/bale/transform.h}; names and semantics are the header's.
 * Inheriting the OpenCV presets makes {@link Loader} load the same OpenCV libraries that
 * {@code libbale.so} links against before loading it. Built by the javacpp Maven plugin (see
 * pom.xml and cppbuild.sh). Most code wants {@link NativeDecoder} instead.
 */
@Properties(
        inherit = {opencv_imgcodecs.class, opencv_imgproc.class},
        value = @Platform(include = {"bale/transform.h", "bale/raw.h", "bale/jpeg_index.h"}, link = "bale"))
@Namespace("bale")
public class BaleNative {
    static {
        Loader.load();
    }

    public static final int OUTPUT_FLOAT32_CHW = 0;
    public static final int OUTPUT_UINT8_CHW = 1;
    public static final int OUTPUT_UINT8_HWC = 2;

    public static final int STATUS_OK = 0;
    public static final int STATUS_BAD_PARAMS = 1;
    public static final int STATUS_UNDECODABLE = 2;
    public static final int STATUS_BAD_GEOMETRY = 3;
    public static final int STATUS_OPENCV_ERROR = 4;
    /** An allocation failed: a fault of the machine, never skipped as a bad sample. */
    public static final int STATUS_OUT_OF_MEMORY = 5;

    private BaleNative() {
    }

    /** {@code bale::TransformParams}; each field has a getter and a setter that returns {@code this}. */
    public static class TransformParams extends Pointer {
        static {
            Loader.load();
        }

        /** Wraps a native struct someone else owns. */
        public TransformParams(Pointer p) {
            super(p);
        }

        public native int reduce();
        public native TransformParams reduce(int setter);
        public native int grayscale();
        public native TransformParams grayscale(int setter);
        public native int crop_x();
        public native TransformParams crop_x(int setter);
        public native int crop_y();
        public native TransformParams crop_y(int setter);
        public native int crop_w();
        public native TransformParams crop_w(int setter);
        public native int crop_h();
        public native TransformParams crop_h(int setter);
        public native int out_w();
        public native TransformParams out_w(int setter);
        public native int out_h();
        public native TransformParams out_h(int setter);
        public native int flip();
        public native TransformParams flip(int setter);
        public native float brightness();
        public native TransformParams brightness(float setter);
        public native float contrast();
        public native TransformParams contrast(float setter);
        public native float saturation();
        public native TransformParams saturation(float setter);
        public native int output();
        public native TransformParams output(int setter);
        /** Channel {@code c} of {@code mean}; c is checked, since native code indexes the array as is. */
        public float mean(int c) {
            return mean_at(Objects.checkIndex(c, 3));
        }

        public TransformParams mean(int c, float setter) {
            return mean_at(Objects.checkIndex(c, 3), setter);
        }

        /** Channel {@code c} of {@code std}; c is checked, since native code indexes the array as is. */
        public float std(int c) {
            return std_at(Objects.checkIndex(c, 3));
        }

        public TransformParams std(int c, float setter) {
            return std_at(Objects.checkIndex(c, 3), setter);
        }

        @Name("mean") private native float mean_at(int c);
        @Name("mean") private native TransformParams mean_at(int c, float setter);
        @Name("std") private native float std_at(int c);
        @Name("std") private native TransformParams std_at(int c, float setter);
        public native int expect_w();
        public native TransformParams expect_w(int setter);
        public native int expect_h();
        public native TransformParams expect_h(int setter);
        public native int warp();
        public native TransformParams warp(int setter);

        /** Element {@code i} (row-major) of the 3x3 {@code matrix}; i is checked, as for {@link #mean(int)}. */
        public double matrix(int i) {
            return matrix_at(Objects.checkIndex(i, 9));
        }

        public TransformParams matrix(int i, double setter) {
            return matrix_at(Objects.checkIndex(i, 9), setter);
        }

        @Name("matrix") private native double matrix_at(int i);
        @Name("matrix") private native TransformParams matrix_at(int i, double setter);
        public native int fill();
        public native TransformParams fill(int setter);
        public native int content_w();
        public native TransformParams content_w(int setter);
        public native float hue();
        public native TransformParams hue(float setter);
        public native int jitter_order();
        public native TransformParams jitter_order(int setter);
        public native int to_gray();
        public native TransformParams to_gray(int setter);
        public native int region_decode();
        public native TransformParams region_decode(int setter);
    }

    /** {@code bale::RawShape} (raw.h): the layout of raw pixels handed to {@link #transform_raw}. */
    public static class RawShape extends Pointer {
        static {
            Loader.load();
        }

        public RawShape() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native int height();
        public native RawShape height(int setter);
        public native int width();
        public native RawShape width(int setter);
        public native int channels();
        public native RawShape channels(int setter);
        public native int planar();
        public native RawShape planar(int setter);
        public native int bgr();
        public native RawShape bgr(int setter);
    }

    public static native int transform_raw(@Cast("const uint8_t*") BytePointer src, @Cast("size_t") long len,
            @Const @ByRef RawShape shape, @Const @ByRef TransformParams p, Pointer dst, @Cast("char*") BytePointer err,
            int err_len);

    /** A new native struct, owned by the returned object (free it with {@code close()}). */
    public static native @ByVal TransformParams default_params();

    public static native @Cast("size_t") long output_bytes(@Const @ByRef TransformParams p);

    public static native int decode_transform(@Cast("const uint8_t*") BytePointer src, @Cast("size_t") long len,
            @Const @ByRef TransformParams p, Pointer dst, @Cast("char*") BytePointer err, int err_len);

    public static native int transform_pixels(@Cast("const uint8_t*") BytePointer pixels, int channels,
            @Const @ByRef TransformParams p, Pointer dst, @Cast("char*") BytePointer err, int err_len);

    public static native void last_stage_nanos(@Cast("int64_t*") LongPointer out);

    public static native void last_decoded_pixels(@Cast("int64_t*") LongPointer out);

    public static native void set_opencv_threads(int threads);

    /** {@code bale/jpeg_index.h}: the byte budget of the JPEG entropy indexes; 0 turns them off. */
    public static native void set_jpeg_index_budget(@Cast("int64_t") long bytes);

    public static native void set_jpeg_index_spread(int epochs);

    public static native void use_jpeg_index(boolean on);

    public static native void jpeg_index_stats(@Cast("int64_t*") LongPointer out);
}
