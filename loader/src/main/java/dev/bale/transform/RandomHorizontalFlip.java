package dev.bale.transform;

import java.util.SplittableRandom;

/** torchvision's RandomHorizontalFlip(p): mirrors left-right when a uniform draw is below p. */
public final class RandomHorizontalFlip extends Op {
    private final double p;

    private RandomHorizontalFlip(double p) {
        checkProbability(p);
        this.p = p;
    }

    public static RandomHorizontalFlip of(double p) {
        return new RandomHorizontalFlip(p);
    }

    @Override
    public String spec() {
        return "hflip=" + num(p);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        if (random.nextDouble() < p) {
            s.then(-1, 0, s.width - 1, 0, 1, 0, 0, 0, 1);
        }
    }

    @Override
    void resize(int[] size) {
    }
}
