package dev.bale.transform;

/**
 * Everything native code needs to turn one encoded image into its batch slot: how much to reduce
 * the decode, which rectangle of the decoded image to take, the output size, and the random
 * choices already made. Mutable and reused per worker thread, so planning allocates nothing.
 */
public final class SamplePlan {
    /** JPEG DCT scale divisor: 1, 2, 4 or 8. */
    public int reduce = 1;
    /** Crop rectangle in decoded-image pixels (after reduction). */
    public int cropX;
    public int cropY;
    public int cropWidth;
    public int cropHeight;
    public int outWidth;
    public int outHeight;
    public boolean flip;
    /** Colour jitter factors; 1 leaves the image as it is. */
    public float brightness = 1;
    public float contrast = 1;
    public float saturation = 1;
    /** Pipelines: true when {@link #matrix} is warped in one pass instead of crop + resize + flip. */
    public boolean warp;
    /** Output pixel centre -> full-size source pixel centre, row-major 3x3 (see transform.h). */
    public final double[] matrix = new double[9];
    /** 0..255: outside the source, and a text line's padding. */
    public int fill;
    /** Width of the image within the output (a text line); 0 when it fills {@link #outWidth}. */
    public int contentWidth;
    public float hue;
    /** Colour op order, 4 bits per op (see transform.h); 0: brightness, contrast, saturation, hue. */
    public int jitterOrder;
    public boolean gray;

    @Override
    public String toString() {
        return "SamplePlan[reduce=" + reduce + ", crop=" + cropX + "," + cropY + " " + cropWidth + "x" + cropHeight
                + " -> " + outWidth + "x" + outHeight + ", flip=" + flip + ", b/c/s=" + brightness + "/" + contrast
                + "/" + saturation + (warp ? ", warp=" + java.util.Arrays.toString(matrix) : "")
                + (contentWidth > 0 ? ", content=" + contentWidth : "") + (hue != 0 ? ", hue=" + hue : "")
                + (jitterOrder != 0 ? ", order=" + Integer.toHexString(jitterOrder) : "") + (gray ? ", gray" : "") + "]";
    }
}
