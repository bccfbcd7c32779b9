package dev.bale.container;

import java.util.Locale;

/**
 * The layout of a record that holds decoded pixels instead of an encoded image: 8-bit samples,
 * {@code height x width x channels}, interleaved (HWC) or planar (CHW), RGB or BGR order.
 *
 * @param planar true for CHW (one plane per channel), false for HWC
 * @param bgr    true when the channels are stored blue first (OpenCV, Caffe)
 */
public record RawPixels(int height, int width, int channels, boolean planar, boolean bgr) {
    /** Larger sides than this are refused before anything is allocated (the loader's own output limit). */
    public static final int MAX_SIDE = 1 << 15;

    public RawPixels {
        if (height <= 0 || width <= 0 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is outside 1.." + MAX_SIDE);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(channels + " channels: only 1 or 3 are supported");
        }
    }

    /** Bytes the pixels take: height * width * channels. */
    public long bytes() {
        return (long) height * width * channels;
    }

    /** "32x24x3 HWC RGB". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%dx%d %s %s", height, width, channels, planar ? "CHW" : "HWC",
                channels == 1 ? "gray" : bgr ? "BGR" : "RGB");
    }
}
