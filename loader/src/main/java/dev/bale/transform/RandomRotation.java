package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's RandomRotation(degrees, fill): an angle uniform in [d0, d1], counter-clockwise,
 * about the image centre, same size (expand=False); corners that come from outside are the fill.
 */
public final class RandomRotation extends Op {
    private final double minDegrees;
    private final double maxDegrees;
    private final int fill;

    private RandomRotation(double minDegrees, double maxDegrees, int fill) {
        if (!(minDegrees <= maxDegrees) || fill < 0 || fill > 255) {
            throw new IllegalArgumentException("need min <= max degrees and fill 0..255");
        }
        this.minDegrees = minDegrees;
        this.maxDegrees = maxDegrees;
        this.fill = fill;
    }

    /** Angles in [-degrees, degrees]. */
    public static RandomRotation of(double degrees) {
        return new RandomRotation(-Math.abs(degrees), Math.abs(degrees), 0);
    }

    public static RandomRotation of(double minDegrees, double maxDegrees, int fill) {
        return new RandomRotation(minDegrees, maxDegrees, fill);
    }

    @Override
    public String spec() {
        return "rotation=" + num(minDegrees) + ".." + num(maxDegrees) + ":" + fill;
    }

    /** The angle, in degrees counter-clockwise. */
    double draw(SplittableRandom random) {
        return uniform(random, minDegrees, maxDegrees);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        // F.rotate(angle) is the affine matrix of -angle.
        s.centred(RandomAffine.inverseAffine(-draw(random), 0, 0, 1, 0, 0));
        s.fill = fill;
    }

    @Override
    void resize(int[] size) {
    }
}
