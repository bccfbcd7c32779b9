package dev.bale.transform;

import java.util.SplittableRandom;

/** torchvision's RandomVerticalFlip(p): mirrors top-bottom when a uniform draw is below p. */
public final class RandomVerticalFlip extends Op {
    private final double p;

    private RandomVerticalFlip(double p) {
        checkProbability(p);
        this.p = p;
    }

    public static RandomVerticalFlip of(double p) {
        return new RandomVerticalFlip(p);
    }

    @Override
    public String spec() {
        return "vflip=" + num(p);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        if (random.nextDouble() < p) {
            s.then(1, 0, 0, 0, -1, s.height - 1, 0, 0, 1);
        }
    }

    @Override
    void resize(int[] size) {
    }
}
