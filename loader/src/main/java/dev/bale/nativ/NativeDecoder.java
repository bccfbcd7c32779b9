package dev.bale.nativ;

import dev.bale.container.RawPixels;
import dev.bale.nativ.BaleNative.TransformParams;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * One worker thread's handle on {@code bale::decode_transform}: decodes an encoded image and writes
 * the transformed tensor straight into a direct buffer, in one native call. Not thread-safe: give
 * each thread its own, and close it when the thread is done.
 *
 * <p>Set the transform through {@link #params()} (the native struct itself; setters chain), then
 * call {@link #decode}. Nothing is allocated per call but the small Java object that wraps the
 * source buffer's address.
 */
public final class NativeDecoder implements AutoCloseable {
    private static final int ERROR_CAPACITY = 512;

    private final TransformParams params = BaleNative.default_params();
    /** Where native code writes its message; limit 0 makes getString() stop at the message's NUL. */
    private final BytePointer error = new BytePointer(ERROR_CAPACITY).limit(0);
    private final LongPointer stageNanos = new LongPointer(2);
    private final BaleNative.RawShape rawShape = new BaleNative.RawShape();
    private final LongPointer decodedPixels = new LongPointer(2);
    /** A view of {@code stageNanos}: reading it costs no JNI call. */
    private final java.nio.LongBuffer stageView = stageNanos.asBuffer();
    /** The last target buffer and a pointer to its index 0, kept while callers reuse the buffer. */
    private ByteBuffer target;
    private BytePointer targetBase;

    /**
     * The native parameters, initially {@code bale::default_params()}: full-size colour decode, no
     * jitter, float32 CHW with mean 0 and std 1, crop all 0 (the whole image). Output size must be set.
     */
    public TransformParams params() {
        return params;
    }

    /** Bytes one {@link #decode} writes with the current parameters; 0 if they are invalid. */
    public long outputBytes() {
        return BaleNative.output_bytes(params);
    }

    /**
     * Decodes {@code encoded}'s remaining bytes and writes the result to {@code target} from
     * absolute index {@code offset} on. Neither buffer's position or limit changes.
     *
     * @param encoded a direct buffer (a mapped container record, for one): read in place. Heap
     *                buffers are refused, since passing one would copy it.
     * @param target  a direct buffer, typically a batch; reuse the same buffer object across calls
     * @throws IllegalArgumentException  if a buffer is not direct
     * @throws IllegalStateException     if the decoder is closed
     * @throws IndexOutOfBoundsException if the output does not fit in {@code target} at {@code offset}
     * @throws NativeDecodeException     if the image cannot be decoded or transformed as asked
     */
    public void decode(ByteBuffer encoded, ByteBuffer target, long offset) {
        if (params.isNull()) {
            throw new IllegalStateException("decoder is closed");
        }
        requireDirect(encoded, "encoded");
        requireDirect(target, "target");
        long bytes = outputBytes();
        // With invalid parameters (bytes == 0) native code writes nothing and says what is wrong.
        if (offset < 0 || offset > target.capacity() - bytes) {
            throw new IndexOutOfBoundsException(
                    bytes + " bytes at offset " + offset + " do not fit in a buffer of " + target.capacity());
        }
        int status;
        try (BytePointer source = new BytePointer(encoded)) {
            status = BaleNative.decode_transform(source, encoded.remaining(), params, base(target).position(offset),
                    error, ERROR_CAPACITY);
        }
        if (status != BaleNative.STATUS_OK) {
            throw new NativeDecodeException(status, error.getString());
        }
    }

    /**
     * As {@link #decode}, for raw pixels of the given layout instead of an encoded image. The shape is
     * checked against {@code pixels.remaining()} here and again in native code, before anything is read.
     *
     * @throws NativeDecodeException if the shape does not describe exactly the bytes given
     */
    public void decodeRaw(ByteBuffer pixels, RawPixels shape, ByteBuffer target, long offset) {
        if (params.isNull()) {
            throw new IllegalStateException("decoder is closed");
        }
        requireDirect(pixels, "pixels");
        requireDirect(target, "target");
        if (shape.bytes() != pixels.remaining()) {
            throw new NativeDecodeException(BaleNative.STATUS_UNDECODABLE, "raw image " + shape + " needs " + shape.bytes()
                    + " bytes, the record has " + pixels.remaining());
        }
        long bytes = outputBytes();
        if (offset < 0 || offset > target.capacity() - bytes) {
            throw new IndexOutOfBoundsException(
                    bytes + " bytes at offset " + offset + " do not fit in a buffer of " + target.capacity());
        }
        rawShape.height(shape.height()).width(shape.width()).channels(shape.channels()).planar(shape.planar() ? 1 : 0)
                .bgr(shape.bgr() ? 1 : 0);
        int status;
        try (BytePointer source = new BytePointer(pixels)) {
            status = BaleNative.transform_raw(source, pixels.remaining(), rawShape, params, base(target).position(offset),
                    error, ERROR_CAPACITY);
        }
        if (status != BaleNative.STATUS_OK) {
            throw new NativeDecodeException(status, error.getString());
        }
    }

    /**
     * The colour ops and layout of the current parameters applied to {@code pixels}, an
     * out_w x out_h uint8 image, RGB interleaved or gray, in a direct buffer (see
     * {@code bale::transform_pixels}); written to {@code target} at {@code offset}.
     */
    public void transformPixels(ByteBuffer pixels, int channels, ByteBuffer target, long offset) {
        if (params.isNull()) {
            throw new IllegalStateException("decoder is closed");
        }
        requireDirect(pixels, "pixels");
        requireDirect(target, "target");
        long bytes = outputBytes();
        long need = (long) params.out_w() * params.out_h() * channels;
        if (pixels.remaining() < need) {
            throw new IndexOutOfBoundsException("pixels hold " + pixels.remaining() + " bytes, " + need + " needed");
        }
        if (offset < 0 || offset > target.capacity() - bytes) {
            throw new IndexOutOfBoundsException(
                    bytes + " bytes at offset " + offset + " do not fit in a buffer of " + target.capacity());
        }
        int status;
        try (BytePointer source = new BytePointer(pixels)) {
            status = BaleNative.transform_pixels(source, channels, params, base(target).position(offset), error,
                    ERROR_CAPACITY);
        }
        if (status != BaleNative.STATUS_OK) {
            throw new NativeDecodeException(status, error.getString());
        }
    }

    /**
     * Nanoseconds the last {@link #decode} on this thread spent decoding ({@code [0]}) and on the
     * transform after it ({@code [1]}), written into {@code into}.
     */
    public void lastStageNanos(long[] into) {
        BaleNative.last_stage_nanos(stageNanos);
        into[0] = stageView.get(0);
        into[1] = stageView.get(1);
    }

    /**
     * Pixels the last {@link #decode} on this thread decoded ({@code [0]}) and the whole image's pixels
     * at the scale it decoded at ({@code [1]}), written into {@code into}; with region decoding the
     * first is the (widened) crop's share of the second.
     */
    public void lastDecodedPixels(long[] into) {
        BaleNative.last_decoded_pixels(decodedPixels);
        into[0] = decodedPixels.get(0);
        into[1] = decodedPixels.get(1);
    }

    /**
     * Sets the size of OpenCV's thread pool, for the whole process. With one decoder per worker
     * thread, 1 keeps OpenCV from starting threads of its own on top of the workers.
     */
    public static void setOpenCvThreads(int threads) {
        BaleNative.set_opencv_threads(threads);
    }

    @Override
    public void close() {
        params.close();
        error.close();
        stageNanos.close();
        rawShape.close();
        decodedPixels.close();
        if (targetBase != null) {
            targetBase.close();
            targetBase = null;
            target = null;
        }
    }

    private BytePointer base(ByteBuffer buffer) {
        if (buffer != target) {
            if (targetBase != null) {
                targetBase.close();
            }
            targetBase = new BytePointer(buffer.duplicate().position(0));
            target = buffer;
        }
        return targetBase;
    }

    private static void requireDirect(ByteBuffer buffer, String name) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(name + " must be a direct buffer; copy a heap buffer into one first");
        }
    }
}
