package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * One step of a {@link Transform#compose pipeline}, with torchvision's name, parameters and
 * sampling. Geometric ops only change the pipeline's matrix (so that all of them together are one
 * resampling pass), colour ops only set factors applied once over the output; nothing is resampled
 * per op. Ops are immutable and thread-safe; their random draws come from the generator handed to
 * them, seeded by (seed, epoch, index).
 */
public abstract class Op {
    Op() {
    }

    /** The op in the {@code --transform} grammar, e.g. {@code perspective=0.6:0.5}. */
    public abstract String spec();

    /** Applies the op to a sample's plan, drawing its random parameters (in torchvision's order) from {@code random}. */
    abstract void apply(PlanState state, SplittableRandom random);

    /** The output size this op leaves for an input of {@code size} = {width, height}; in place. */
    abstract void resize(int[] size);

    /** Whether the output size after this op no longer depends on the input's. */
    boolean fixesSize() {
        return false;
    }

    @Override
    public String toString() {
        return spec();
    }

    static double uniform(SplittableRandom random, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * random.nextDouble();
    }

    /** torch.randint(lo, hi): an integer in [lo, hi). */
    static int randint(SplittableRandom random, int lo, int hi) {
        return lo + random.nextInt(hi - lo);
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    static void checkSize(int h, int w) {
        if (h < 1 || w < 1 || h > (1 << 15) || w > (1 << 15)) {
            throw new IllegalArgumentException("size must be 1.." + (1 << 15) + " on each side, got " + h + "x" + w);
        }
    }

    static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
    }
}
