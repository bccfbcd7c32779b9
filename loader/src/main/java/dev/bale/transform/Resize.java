package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's Resize, bilinear without antialiasing: {@code Resize.to(h, w)} gives exactly h x w
 * (height first, as torchvision's (h, w)); {@code Resize.shorter(s)} scales the shorter side to s and
 * the longer to {@code int(s * long / short)} (truncated, as torchvision does).
 */
public final class Resize extends Op {
    private final int height;
    private final int width;
    private final boolean shorter;

    private Resize(int height, int width, boolean shorter) {
        checkSize(height, width);
        this.height = height;
        this.width = width;
        this.shorter = shorter;
    }

    /** Resize((h, w)). */
    public static Resize to(int height, int width) {
        return new Resize(height, width, false);
    }

    /** Resize(size): the shorter side becomes {@code size}, the aspect ratio is kept. */
    public static Resize shorter(int size) {
        return new Resize(size, size, true);
    }

    @Override
    public String spec() {
        return "resize=" + (shorter ? Integer.toString(height) : height + "x" + width);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        int[] size = {s.width, s.height};
        resize(size);
        if (size[0] != s.width || size[1] != s.height) {
            s.scaleTo(size[0], size[1]);
        }
    }

    @Override
    void resize(int[] size) {
        if (!shorter) {
            size[0] = width;
            size[1] = height;
        } else if (size[0] <= size[1]) {
            size[1] = (int) ((long) height * size[1] / size[0]);
            size[0] = height;
        } else {
            size[0] = (int) ((long) height * size[0] / size[1]);
            size[1] = height;
        }
    }

    @Override
    boolean fixesSize() {
        return !shorter;
    }
}
