package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's Grayscale(num_output_channels) and RandomGrayscale(p). With 1 channel the image is
 * decoded as gray (the batch has one channel); with 3, the gray level is repeated in R, G and B,
 * after any colour jitter.
 */
public final class Grayscale extends Op {
    private final int channels;
    private final double p;

    private Grayscale(int channels, double p) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("grayscale output channels must be 1 or 3");
        }
        checkProbability(p);
        this.channels = channels;
        this.p = p;
    }

    public static Grayscale of(int channels) {
        return new Grayscale(channels, 1);
    }

    /** RandomGrayscale(p): three equal channels with probability p. */
    public static Grayscale random(double p) {
        return new Grayscale(3, p);
    }

    int channels() {
        return channels;
    }

    @Override
    public String spec() {
        return p == 1 ? "gray=" + channels : "randomgray=" + num(p);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        if (p == 1 || random.nextDouble() < p) {
            s.gray = true;
        }
    }

    @Override
    void resize(int[] size) {
    }
}
