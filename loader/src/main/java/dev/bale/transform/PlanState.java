package dev.bale.transform;

/**
 * A sample's plan while a pipeline's ops run: the current image size, the matrix from its pixel
 * centres to the source's, and the colour factors. Pixel centres are integers, as in OpenCV.
 */
final class PlanState {
    int width;
    int height;
    /** Row-major 3x3: current pixel centre (u, v, 1) -> source pixel centre, projectively. */
    final double[] m = new double[9];
    /** Width of the real image for a padded text line; 0 when it is {@link #width}. */
    int contentWidth;
    int fill;
    float brightness;
    float contrast;
    float saturation;
    float hue;
    /** Colour op order, 4 bits each from the lowest (see transform.h); 0 for the default. */
    int order;
    boolean gray;

    void reset(int width, int height) {
        this.width = width;
        this.height = height;
        java.util.Arrays.fill(m, 0);
        m[0] = m[4] = m[8] = 1;
        contentWidth = 0;
        fill = 0;
        brightness = contrast = saturation = 1;
        hue = 0;
        order = 0;
        gray = false;
    }

    /** m = m * a: the op's output pixel centres map through a to its input's. */
    void then(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8) {
        double[] a = {a0, a1, a2, a3, a4, a5, a6, a7, a8};
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[3 * i + j] = m[3 * i] * a[j] + m[3 * i + 1] * a[3 + j] + m[3 * i + 2] * a[6 + j];
            }
        }
        System.arraycopy(r, 0, m, 0, 9);
    }

    /** New pixel (u, v) is old pixel (u + dx, v + dy); the size becomes newWidth x newHeight. */
    void crop(int dx, int dy, int newWidth, int newHeight) {
        then(1, 0, dx, 0, 1, dy, 0, 0, 1);
        width = newWidth;
        height = newHeight;
    }

    /** Scales the current image to newWidth x newHeight (pixel edges stay on edges, as cv::resize). */
    void scaleTo(int newWidth, int newHeight) {
        double sx = (double) width / newWidth;
        double sy = (double) height / newHeight;
        then(sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5, 0, 0, 1);
        width = newWidth;
        height = newHeight;
    }

    /** Applies a 2x3 map given in coordinates centred on the image's centre ((w - 1) / 2, (h - 1) / 2). */
    void centred(double[] a) {
        double cx = (width - 1) * 0.5;
        double cy = (height - 1) * 0.5;
        // src = C + A (dst - C): [a0 a1 a2 + cx - a0 cx - a1 cy; ...]
        then(a[0], a[1], a[2] + cx - a[0] * cx - a[1] * cy, a[3], a[4], a[5] + cy - a[3] * cx - a[4] * cy, 0, 0, 1);
    }
}
