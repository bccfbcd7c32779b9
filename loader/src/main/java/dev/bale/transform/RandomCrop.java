package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's RandomCrop((h, w), padding, pad_if_needed=True, fill): pads by {@code padding} on
 * every side, pads a side still shorter than the crop by (crop - side) on both ends (as torchvision
 * does), then takes top {@code randint(0, H - h + 1)} and left {@code randint(0, W - w + 1)}.
 */
public final class RandomCrop extends Op {
    private final int height;
    private final int width;
    private final int padding;
    private final int fill;

    private RandomCrop(int height, int width, int padding, int fill) {
        checkSize(height, width);
        if (padding < 0 || fill < 0 || fill > 255) {
            throw new IllegalArgumentException("padding must be >= 0 and fill 0..255");
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
        this.fill = fill;
    }

    public static RandomCrop of(int height, int width) {
        return new RandomCrop(height, width, 0, 0);
    }

    public static RandomCrop of(int height, int width, int padding, int fill) {
        return new RandomCrop(height, width, padding, fill);
    }

    @Override
    public String spec() {
        return "randomcrop=" + height + "x" + width + ":" + padding + ":" + fill;
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        if (padding > 0 || s.width < width || s.height < height) {
            int padX = padding + Math.max(0, width - (s.width + 2 * padding));
            int padY = padding + Math.max(0, height - (s.height + 2 * padding));
            s.crop(-padX, -padY, s.width + 2 * padX, s.height + 2 * padY);
            s.fill = fill;
        }
        int[] at = draw(s.width, s.height, random);
        s.crop(at[0], at[1], width, height);
    }

    /** {x, y} of the crop in a (padded) image of that size. */
    int[] draw(int imageWidth, int imageHeight, SplittableRandom random) {
        if (imageWidth == width && imageHeight == height) {
            return new int[] {0, 0};
        }
        int y = randint(random, 0, imageHeight - height + 1);
        int x = randint(random, 0, imageWidth - width + 1);
        return new int[] {x, y};
    }

    @Override
    void resize(int[] size) {
        size[0] = width;
        size[1] = height;
    }

    @Override
    boolean fixesSize() {
        return true;
    }
}
