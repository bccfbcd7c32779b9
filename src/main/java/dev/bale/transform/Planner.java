package dev.bale.transform;

import dev.bale.sample.Seeds;
import java.util.SplittableRandom;

/**
 * Makes a {@link SamplePlan} from a transform, an image's size and the sample's identity. Random
 * choices come from a generator seeded by (seed, epoch, sample index) alone, so a sample's
 * augmentation does not depend on which thread handles it.
 */
public final class Planner {
    private final Transform transform;
    private final long seed;

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
        out.reduce = 1;
        if (jpeg && transform.reducedDecode() && transform.mode() != Transform.Mode.NONE) {
            for (int r = 8; r > 1; r /= 2) {
                if (w >= r * out.outWidth && h >= r * out.outHeight) {
                    out.reduce = r;
                    break;
                }
            }
        }
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

    /** torchvision's RandomResizedCrop.get_params: ten tries at a random area and ratio, then a centre crop. */
    private int[] randomResizedCrop(int width, int height, SplittableRandom random) {
        double area = (double) width * height;
        double logMin = Math.log(transform.minRatio());
        double logMax = Math.log(transform.maxRatio());
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(random, transform.minScale(), transform.maxScale());
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
        if (ratio < transform.minRatio()) {
            h = (int) Math.round(w / transform.minRatio());
        } else if (ratio > transform.maxRatio()) {
            w = (int) Math.round(h * transform.maxRatio());
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
