package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * A text line for recognition: keeps the aspect ratio, scales to {@code height}, width
 * {@code round(w * height / h)} clamped to [1, maxWidth], placed at the left of a maxWidth-wide
 * slot whose rest is the pad value. How a batch is cut is {@link PadPolicy}.
 */
public final class TextLine extends Op {
    /** How wide a batch of text lines is. */
    public enum PadPolicy {
        /** Every batch is maxWidth wide. */
        MAX_WIDTH,
        /** A batch is as wide as its widest line, rounded up to a multiple of 8 (at most maxWidth). */
        BATCH_MAX
    }

    private final int height;
    private final int maxWidth;
    private final int pad;

    private TextLine(int height, int maxWidth, int pad) {
        checkSize(height, maxWidth);
        if (pad < 0 || pad > 255) {
            throw new IllegalArgumentException("pad value must be 0..255");
        }
        this.height = height;
        this.maxWidth = maxWidth;
        this.pad = pad;
    }

    public static TextLine of(int height, int maxWidth, int pad) {
        return new TextLine(height, maxWidth, pad);
    }

    public int height() {
        return height;
    }

    public int maxWidth() {
        return maxWidth;
    }

    public int pad() {
        return pad;
    }

    /** The width a {@code w x h} image gets. */
    public int widthOf(int w, int h) {
        long scaled = Math.round((double) w * height / h);
        return (int) Math.max(1, Math.min(maxWidth, scaled));
    }

    @Override
    public String spec() {
        return "textline=" + height + ":" + maxWidth + ":" + pad;
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        int w = widthOf(s.width, s.height);
        s.scaleTo(w, height);
        s.width = maxWidth;
        s.contentWidth = w;
        s.fill = pad;
    }

    @Override
    void resize(int[] size) {
        size[0] = maxWidth;
        size[1] = height;
    }

    @Override
    boolean fixesSize() {
        return true;
    }
}
