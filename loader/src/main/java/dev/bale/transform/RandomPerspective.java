package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's RandomPerspective(distortion_scale, p, fill): with probability p, each corner moves
 * inwards by an integer drawn as torchvision's get_params does (torch.randint ranges over
 * distortion x half the side), and the image is warped so that the corners
 * [(0, 0), (W-1, 0), (W-1, H-1), (0, H-1)] land there; outside is the fill.
 */
public final class RandomPerspective extends Op {
    private final double distortion;
    private final double p;
    private final int fill;

    private RandomPerspective(double distortion, double p, int fill) {
        if (!(distortion >= 0 && distortion <= 1)) {
            throw new IllegalArgumentException("distortion_scale must be in [0, 1], got " + distortion);
        }
        checkProbability(p);
        if (fill < 0 || fill > 255) {
            throw new IllegalArgumentException("fill must be 0..255");
        }
        this.distortion = distortion;
        this.p = p;
        this.fill = fill;
    }

    public static RandomPerspective of(double distortion, double p) {
        return new RandomPerspective(distortion, p, 0);
    }

    public static RandomPerspective of(double distortion, double p, int fill) {
        return new RandomPerspective(distortion, p, fill);
    }

    @Override
    public String spec() {
        return "perspective=" + num(distortion) + ":" + num(p) + ":" + fill;
    }

    /** The end points (x, y) of top-left, top-right, bottom-right, bottom-left; null if not applied. */
    int[] draw(int width, int height, SplittableRandom random) {
        if (!(random.nextDouble() < p)) {
            return null;
        }
        int halfW = width / 2;
        int halfH = height / 2;
        int dw = (int) (distortion * halfW);
        int dh = (int) (distortion * halfH);
        return new int[] {
            randint(random, 0, dw + 1), randint(random, 0, dh + 1),
            randint(random, width - dw - 1, width), randint(random, 0, dh + 1),
            randint(random, width - dw - 1, width), randint(random, height - dh - 1, height),
            randint(random, 0, dw + 1), randint(random, height - dh - 1, height),
        };
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        int[] end = draw(s.width, s.height, random);
        if (end == null) {
            return;
        }
        int w = s.width - 1;
        int h = s.height - 1;
        double[] start = {0, 0, w, 0, w, h, 0, h};
        double[] to = new double[8];
        for (int i = 0; i < 8; i++) {
            to[i] = end[i];
        }
        // torchvision's coefficients map end points to start points in coordinates where pixel
        // centres sit at +0.5; in centre coordinates that is T(-0.5) H T(+0.5).
        double[] hm = Homography.fromPoints(to, start);
        s.then(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
        s.then(hm[0], hm[1], hm[2], hm[3], hm[4], hm[5], hm[6], hm[7], hm[8]);
        s.then(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1);
        s.fill = fill;
    }

    @Override
    void resize(int[] size) {
    }
}
