package dev.bale.transform;

import java.util.SplittableRandom;

/** torchvision's Pad(padding, fill), constant mode: left, top, right, bottom borders of the fill value. */
public final class Pad extends Op {
    private final int left;
    private final int top;
    private final int right;
    private final int bottom;
    private final int fill;

    private Pad(int left, int top, int right, int bottom, int fill) {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) {
            throw new IllegalArgumentException("padding must be >= 0");
        }
        if (fill < 0 || fill > 255) {
            throw new IllegalArgumentException("fill must be 0..255, got " + fill);
        }
        this.left = left;
        this.top = top;
        this.right = right;
        this.bottom = bottom;
        this.fill = fill;
    }

    public static Pad of(int all) {
        return new Pad(all, all, all, all, 0);
    }

    public static Pad of(int left, int top, int right, int bottom, int fill) {
        return new Pad(left, top, right, bottom, fill);
    }

    @Override
    public String spec() {
        return "pad=" + left + "x" + top + "x" + right + "x" + bottom + ":" + fill;
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        s.crop(-left, -top, s.width + left + right, s.height + top + bottom);
        s.fill = fill;
    }

    @Override
    void resize(int[] size) {
        size[0] += left + right;
        size[1] += top + bottom;
    }
}
