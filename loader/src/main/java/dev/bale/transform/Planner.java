package dev.bale.transform;

import dev.bale.sample.Seeds;
import java.util.SplittableRandom;

/**
 * Makes a {@link SamplePlan} from a transform, an image's size and the sample's identity. Random
 * choices come from a generator seeded by (seed, epoch, sample index) alone, so a sample's
 * augmentation does not depend on which thread handles it. Not thread-safe: one per thread.
 */
public final class Planner {
    private final Transform transform;
    private final long seed;
    /** Scratch for pipelines: a planner belongs to one thread. */
    private final PlanState state = new PlanState();

    public Planner(Transform transform, long seed) {
        this.transform = transform;
        this.seed = seed;
    }

    /**
     * @param width  the encoded image's width (full resolution)
     * @param height its height
     * @param jpeg   whether reduced-scale decoding is available for it
     */
    public void plan(int width, int height, boolean jpeg, int epoch, int index, SamplePlan out) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size " + width + "x" + height);
        }
        out.flip = false;
        out.brightness = 1;
        out.contrast = 1;
        out.saturation = 1;
        out.warp = false;
        out.fill = 0;
        out.contentWidth = 0;
        out.hue = 0;
        out.jitterOrder = 0;
        out.gray = false;
        if (transform.mode() == Transform.Mode.PIPELINE) {
            planPipeline(width, height, jpeg, new SplittableRandom(Seeds.mix(seed, epoch, index)), out);
            return;
        }
        int x = 0;
        int y = 0;
        int w = width;
        int h = height;
        switch (transform.mode()) {
            case NONE -> {
                out.outWidth = width;
                out.outHeight = height;
            }
            case EVAL -> {
                // The source square that Resize(shorter -> resize) + CenterCrop(crop) keeps.
                // crop <= resize, so the side never exceeds the shorter side.
                int side = (int) Math.round((double) transform.crop() * Math.min(width, height) / transform.resize());
                w = Math.max(1, side);
                h = w;
                x = (width - w) / 2;
                y = (height - h) / 2;
                out.outWidth = transform.crop();
                out.outHeight = transform.crop();
            }
            case PIPELINE -> throw new AssertionError("planned above");
            case TRAIN -> {
                SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, index));
                int[] rect = randomResizedCrop(width, height, random);
                x = rect[0];
                y = rect[1];
                w = rect[2];
                h = rect[3];
                out.outWidth = transform.crop();
                out.outHeight = transform.crop();
                out.flip = random.nextDouble() < transform.flipProbability();
                out.brightness = factor(transform.brightness(), random);
                out.contrast = factor(transform.contrast(), random);
                out.saturation = factor(transform.saturation(), random);
            }
        }
        out.reduce = jpeg && transform.reducedDecode() && transform.mode() != Transform.Mode.NONE
                ? reduction(w, h, out.outWidth, out.outHeight) : 1;
        crop(x, y, w, h, width, height, out);
    }

    /** The largest of 8, 4, 2 by which a w x h region still has at least outWidth x outHeight pixels, else 1. */
    private static int reduction(double w, double h, int outWidth, int outHeight) {
        for (int r = 8; r > 1; r /= 2) {
            if (w >= r * outWidth && h >= r * outHeight) {
                return r;
            }
        }
        return 1;
    }

    /** Sets the crop of source rectangle (x, y, w, h) in the pixels decoded at out.reduce. */
    private static void crop(int x, int y, int w, int h, int width, int height, SamplePlan out) {
        if (out.reduce == 1) {
            out.cropX = x;
            out.cropY = y;
            out.cropWidth = w;
            out.cropHeight = h;
        } else {
            // libjpeg's scaled output is ceil(size / r); map the rectangle into it.
            int r = out.reduce;
            int decodedWidth = (width + r - 1) / r;
            int decodedHeight = (height + r - 1) / r;
            out.cropX = x / r;
            out.cropY = y / r;
            out.cropWidth = Math.max(1, Math.min(decodedWidth - out.cropX, Math.round((float) w / r)));
            out.cropHeight = Math.max(1, Math.min(decodedHeight - out.cropY, Math.round((float) h / r)));
        }
    }

    /**
     * A pipeline's plan: the ops' matrix, then the cheapest exact way to apply it. An axis-aligned
     * matrix (scale + translation, maybe mirrored left-right) whose source rectangle has whole-pixel
     * edges inside the image is a crop + cv::resize (+ flip), the presets' path, bit for bit; anything
     * else is one warp. Either way a JPEG may decode at 1/2, 1/4 or 1/8 while the output still has
     * at least one decoded pixel per output pixel in every direction.
     */
    private void planPipeline(int width, int height, boolean jpeg, SplittableRandom random, SamplePlan out) {
        PlanState s = state;
        transform.pipeline().plan(s, width, height, random);
        out.outWidth = s.width;
        out.outHeight = s.height;
        out.contentWidth = s.contentWidth;
        out.fill = s.fill;
        out.brightness = s.brightness;
        out.contrast = s.contrast;
        out.saturation = s.saturation;
        out.hue = s.hue;
        out.jitterOrder = s.order;
        out.gray = s.gray;
        System.arraycopy(s.m, 0, out.matrix, 0, 9);
        int cw = s.contentWidth > 0 ? s.contentWidth : s.width;
        double[] m = s.m;
        boolean reduce = jpeg && transform.reducedDecode();
        if (m[1] == 0 && m[3] == 0 && m[6] == 0 && m[7] == 0 && m[8] == 1 && m[4] > 0 && m[0] != 0) {
            // Source edges of the output: edge = m0 * (u_edge) + m2 + 0.5 - 0.5 m0.
            double e1 = m[2] + 0.5 - 0.5 * m[0];
            double e2 = e1 + m[0] * cw;
            double top = m[5] + 0.5 - 0.5 * m[4];
            double bottom = top + m[4] * s.height;
            double left = Math.min(e1, e2);
            double right = Math.max(e1, e2);
            if (whole(left) && whole(right) && whole(top) && whole(bottom) && left >= -1e-9 && top >= -1e-9
                    && right <= width + 1e-9 && bottom <= height + 1e-9) {
                int x = (int) Math.round(left);
                int y = (int) Math.round(top);
                int w = (int) Math.round(right) - x;
                int h = (int) Math.round(bottom) - y;
                if (w > 0 && h > 0) {
                    out.flip = m[0] < 0;
                    out.reduce = reduce ? reduction(w, h, cw, s.height) : 1;
                    crop(x, y, w, h, width, height, out);
                    return;
                }
            }
        }
        out.warp = true;
        out.reduce = reduce ? reductionFor(minScale(m, cw, s.height)) : 1;
        out.cropX = out.cropY = out.cropWidth = out.cropHeight = 0;
    }

    private static boolean whole(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9;
    }

    /** The largest of 8, 4, 2 not above the scale, else 1. */
    private static int reductionFor(double scale) {
        return reduction(scale, scale, 1, 1);
    }

    /**
     * The smallest source distance between neighbouring output pixels, over the corners of the
     * output (the smaller singular value of the map's Jacobian there).
     */
    static double minScale(double[] m, int width, int height) {
        double min = Double.MAX_VALUE;
        double[] us = {0, width - 1};
        double[] vs = {0, height - 1};
        for (double u : us) {
            for (double v : vs) {
                double w = m[6] * u + m[7] * v + m[8];
                if (!(w > 1e-9)) {
                    return 1;
                }
                double x = (m[0] * u + m[1] * v + m[2]) / w;
                double y = (m[3] * u + m[4] * v + m[5]) / w;
                double a = (m[0] - x * m[6]) / w;
                double b = (m[1] - x * m[7]) / w;
                double c = (m[3] - y * m[6]) / w;
                double d = (m[4] - y * m[7]) / w;
                double sum = a * a + b * b + c * c + d * d;
                double det = a * d - b * c;
                double small = Math.sqrt(Math.max(0, (sum - Math.sqrt(Math.max(0, sum * sum - 4 * det * det))) / 2));
                min = Math.min(min, small);
            }
        }
        return min;
    }

    private int[] randomResizedCrop(int width, int height, SplittableRandom random) {
        return randomResizedCrop(width, height, transform.minScale(), transform.maxScale(), transform.minRatio(),
                transform.maxRatio(), random);
    }

    /** torchvision's RandomResizedCrop.get_params: ten tries at a random area and ratio, then a centre crop. */
    static int[] randomResizedCrop(int width, int height, double minScale, double maxScale, double minRatio,
                                   double maxRatio, SplittableRandom random) {
        double area = (double) width * height;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(random, minScale, maxScale);
            double aspect = Math.exp(uniform(random, logMin, logMax));
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int y = random.nextInt(height - h + 1);
                int x = random.nextInt(width - w + 1);
                return new int[] {x, y, w, h};
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < minRatio) {
            h = (int) Math.round(w / minRatio);
        } else if (ratio > maxRatio) {
            w = (int) Math.round(h * maxRatio);
        }
        return new int[] {(width - w) / 2, (height - h) / 2, w, h};
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * random.nextDouble();
    }

    /** ColorJitter's factor for strength s: uniform in [max(0, 1 - s), 1 + s]; exactly 1 when s is 0. */
    private static float factor(float strength, SplittableRandom random) {
        if (strength == 0) {
            return 1;
        }
        return (float) uniform(random, Math.max(0, 1 - strength), 1 + strength);
    }
}
