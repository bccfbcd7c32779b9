package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's ColorJitter(brightness, contrast, saturation, hue): the order of the four is a random
 * permutation (torch.randperm(4), drawn first), then each factor that is on: brightness, contrast and
 * saturation uniform in [max(0, 1 - s), 1 + s], hue uniform in [-h, h] (h <= 0.5, in turns of the
 * colour wheel). A strength of 0 turns that op off and draws nothing. Applied once, over the output.
 */
public final class ColorJitter extends Op {
    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    private ColorJitter(double brightness, double contrast, double saturation, double hue) {
        if (!(brightness >= 0 && contrast >= 0 && saturation >= 0 && hue >= 0 && hue <= 0.5f)) {
            throw new IllegalArgumentException("jitter strengths must be >= 0, hue in [0, 0.5]");
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    public static ColorJitter of(double brightness, double contrast, double saturation, double hue) {
        return new ColorJitter(brightness, contrast, saturation, hue);
    }

    @Override
    public String spec() {
        return "jitter=" + num(brightness) + ":" + num(contrast) + ":" + num(saturation) + ":" + num(hue);
    }

    /** {order, brightness, contrast, saturation, hue}; order packs the permutation 4 bits per op. */
    float[] draw(SplittableRandom random) {
        int[] perm = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int order = 0;
        for (int k = 0; k < 4; k++) {
            order |= perm[k] << (4 * k);
        }
        float b = factor(brightness, random);
        float c = factor(contrast, random);
        float s = factor(saturation, random);
        float h = hue == 0 ? 0 : (float) uniform(random, -hue, hue);
        return new float[] {Float.intBitsToFloat(order), b, c, s, h};
    }

    static float factor(double strength, SplittableRandom random) {
        return strength == 0 ? 1 : (float) uniform(random, Math.max(0, 1 - strength), 1 + strength);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        float[] d = draw(random);
        s.order = Float.floatToRawIntBits(d[0]);
        s.brightness = d[1];
        s.contrast = d[2];
        s.saturation = d[3];
        s.hue = d[4];
    }

    @Override
    void resize(int[] size) {
    }
}
