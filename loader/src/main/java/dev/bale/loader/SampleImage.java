package dev.bale.loader;

import java.nio.ByteBuffer;

/**
 * One sample's image as a {@link SampleHook} sees it: height x width x channels uint8, rows top to
 * bottom, RGB interleaved (or one gray channel). Valid only during the hook's call; the object and
 * its buffer are reused for the next sample.
 */
public final class SampleImage {
    private ByteBuffer pixels;
    private int width;
    private int height;
    private int channels;
    private int contentWidth;

    void set(ByteBuffer pixels, int width, int height, int channels, int contentWidth) {
        this.pixels = pixels;
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.contentWidth = contentWidth;
    }

    /** The pixels, writable, from index 0: {@code (y * width + x) * channels + c}. */
    public ByteBuffer pixels() {
        return pixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** Columns of real image (a padded text line's); {@link #width()} otherwise. */
    public int contentWidth() {
        return contentWidth;
    }
}
