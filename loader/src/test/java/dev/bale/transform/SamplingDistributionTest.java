package dev.bale.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each op's random parameters follow torchvision's distributions: 10,000 draws per op, tested with
 * Kolmogorov-Smirnov (continuous) or chi-square (discrete) at a 0.1 % level. Seeds are fixed, so
 * the outcome is the same on every run.
 */
class SamplingDistributionTest {
    private static final int N = 10_000;

    private static SplittableRandom random(int test) {
        return new SplittableRandom(0x5EED + test);
    }

    /** KS statistic of samples against cdf; fails above the 0.1 % critical value 1.95 / sqrt(n). */
    private static void assertKs(double[] samples, DoubleUnaryOperator cdf, String what) {
        double[] s = samples.clone();
        Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / s.length - f, f - (double) i / s.length));
        }
        assertTrue(d < 1.95 / Math.sqrt(s.length), what + ": KS D = " + d);
    }

    private static DoubleUnaryOperator uniformCdf(double lo, double hi) {
        return x -> x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
    }

    /** Chi-square of counts against expected probabilities, at the 0.1 % level (Wilson-Hilferty). */
    private static void assertChiSquare(long[] counts, double[] p, String what) {
        long n = Arrays.stream(counts).sum();
        double chi = 0;
        int df = -1;
        for (int i = 0; i < counts.length; i++) {
            if (p[i] > 0) {
                double e = n * p[i];
                chi += (counts[i] - e) * (counts[i] - e) / e;
                df++;
            } else {
                assertEquals(0, counts[i], what + ": impossible value " + i + " drawn");
            }
        }
        double z = 3.09;
        double critical = df * Math.pow(1 - 2.0 / (9 * df) + z * Math.sqrt(2.0 / (9 * df)), 3);
        assertTrue(chi < critical, what + ": chi-square " + chi + " with " + df + " df, critical " + critical);
    }

    private static void assertBernoulli(int hits, double p, String what) {
        assertChiSquare(new long[] {hits, N - hits}, new double[] {p, 1 - p}, what);
    }

    @Test
    void rotationAngleIsUniform() {
        RandomRotation op = RandomRotation.of(-10, 30, 0);
        SplittableRandom r = random(1);
        double[] a = new double[N];
        for (int i = 0; i < N; i++) {
            a[i] = op.draw(r);
        }
        assertKs(a, uniformCdf(-10, 30), "rotation angle");
    }

    @Test
    void affineParametersFollowGetParams() {
        RandomAffine op = RandomAffine.of(-20, 20, new double[] {0.1, 0.2}, new double[] {0.8, 1.2},
                new double[] {-5, 5, -3, 7}, 0);
        SplittableRandom r = random(2);
        double[][] d = new double[6][N];
        for (int i = 0; i < N; i++) {
            double[] p = op.draw(100, 50, r);
            for (int k = 0; k < 6; k++) {
                d[k][i] = p[k];
            }
        }
        assertKs(d[0], uniformCdf(-20, 20), "angle");
        assertKs(d[3], uniformCdf(0.8, 1.2), "scale");
        assertKs(d[4], uniformCdf(-5, 5), "shear x");
        assertKs(d[5], uniformCdf(-3, 7), "shear y");
        // tx = round(uniform(-10, 10)): integers -10..10, the ends half as likely.
        assertChiSquare(histogram(d[1], -10, 10), roundedUniform(10), "translate x");
        assertChiSquare(histogram(d[2], -10, 10), roundedUniform(10), "translate y");
    }

    private static long[] histogram(double[] values, int lo, int hi) {
        long[] counts = new long[hi - lo + 1];
        for (double v : values) {
            assertEquals(Math.rint(v), v, "whole numbers");
            assertTrue(v >= lo && v <= hi, "value " + v + " outside " + lo + ".." + hi);
            counts[(int) v - lo]++;
        }
        return counts;
    }

    private static double[] roundedUniform(int max) {
        double[] p = new double[2 * max + 1];
        for (int k = -max; k <= max; k++) {
            p[k + max] = (Math.min(k + 0.5, max) - Math.max(k - 0.5, -max)) / (2.0 * max);
        }
        return p;
    }

    @Test
    void perspectiveCornersAreUniformIntegersInTorchvisionsRanges() {
        RandomPerspective op = RandomPerspective.of(0.5, 0.7);
        SplittableRandom r = random(3);
        int width = 40;
        int height = 30;
        // distortion 0.5: dw = int(0.5 * 20) = 10, dh = int(0.5 * 15) = 7.
        long[][] counts = new long[8][];
        int[] lo = {0, 0, width - 11, 0, width - 11, height - 8, 0, height - 8};
        int[] hi = {10, 7, width - 1, 7, width - 1, height - 1, 10, height - 1};
        for (int k = 0; k < 8; k++) {
            counts[k] = new long[hi[k] - lo[k] + 1];
        }
        int applied = 0;
        for (int i = 0; i < N; i++) {
            int[] end = op.draw(width, height, r);
            if (end == null) {
                continue;
            }
            applied++;
            for (int k = 0; k < 8; k++) {
                assertTrue(end[k] >= lo[k] && end[k] <= hi[k], "corner value " + k + " = " + end[k]);
                counts[k][end[k] - lo[k]]++;
            }
        }
        assertBernoulli(applied, 0.7, "p");
        for (int k = 0; k < 8; k++) {
            double[] p = new double[counts[k].length];
            Arrays.fill(p, 1.0 / p.length);
            assertChiSquare(counts[k], p, "corner value " + k);
        }
    }

    @Test
    void colorJitterFactorsAndOrder() {
        ColorJitter op = ColorJitter.of(0.5, 1.5, 0.3, 0.25);
        SplittableRandom r = random(4);
        double[][] f = new double[4][N];
        long[] orders = new long[24];
        for (int i = 0; i < N; i++) {
            float[] d = op.draw(r);
            for (int k = 0; k < 4; k++) {
                f[k][i] = d[k + 1];
            }
            orders[permutationIndex(Float.floatToRawIntBits(d[0]))]++;
        }
        assertKs(f[0], uniformCdf(0.5, 1.5), "brightness");
        assertKs(f[1], uniformCdf(0, 2.5), "contrast: max(0, 1 - 1.5) .. 2.5");
        assertKs(f[2], uniformCdf(0.7, 1.3), "saturation");
        assertKs(f[3], uniformCdf(-0.25, 0.25), "hue");
        double[] p = new double[24];
        Arrays.fill(p, 1.0 / 24);
        assertChiSquare(orders, p, "order (randperm(4))");
    }

    /** Index 0..23 of a permutation packed 4 bits per position. */
    private static int permutationIndex(int packed) {
        int[] perm = new int[4];
        boolean[] seen = new boolean[4];
        for (int k = 0; k < 4; k++) {
            perm[k] = (packed >> (4 * k)) & 0xF;
            assertTrue(perm[k] < 4 && !seen[perm[k]], "not a permutation: " + Integer.toHexString(packed));
            seen[perm[k]] = true;
        }
        int index = 0;
        for (int k = 0; k < 4; k++) {
            int smaller = 0;
            for (int j = k + 1; j < 4; j++) {
                smaller += perm[j] < perm[k] ? 1 : 0;
            }
            index = index * (4 - k) + smaller;
        }
        return index;
    }

    @Test
    void randomResizedCropAreaAndLogRatioAreUniform() {
        RandomResizedCrop op = RandomResizedCrop.of(224, 224, 0.08, 0.5, 3.0 / 4, 4.0 / 3);
        SplittableRandom r = random(5);
        double[] area = new double[N];
        double[] logRatio = new double[N];
        for (int i = 0; i < N; i++) {
            int[] rect = op.draw(2000, 2000, r);
            area[i] = (double) rect[2] * rect[3] / (2000.0 * 2000.0);
            logRatio[i] = Math.log((double) rect[2] / rect[3]);
            assertTrue(rect[0] >= 0 && rect[1] >= 0 && rect[0] + rect[2] <= 2000 && rect[1] + rect[3] <= 2000);
        }
        // Every first try fits in a 2000 x 2000 image at these ranges: the draws are get_params' own.
        assertKs(area, uniformCdf(0.08, 0.5), "area fraction");
        assertKs(logRatio, uniformCdf(Math.log(3.0 / 4), Math.log(4.0 / 3)), "log aspect ratio");
    }

    @Test
    void randomCropOffsetsAreUniform() {
        RandomCrop op = RandomCrop.of(20, 30);
        SplittableRandom r = random(6);
        long[] xs = new long[11];
        long[] ys = new long[6];
        for (int i = 0; i < N; i++) {
            int[] at = op.draw(40, 25, r);
            xs[at[0]]++;
            ys[at[1]]++;
        }
        double[] px = new double[11];
        Arrays.fill(px, 1.0 / 11);
        double[] py = new double[6];
        Arrays.fill(py, 1.0 / 6);
        assertChiSquare(xs, px, "left");
        assertChiSquare(ys, py, "top");
    }

    @Test
    void flipsAndRandomGrayscaleHappenWithProbabilityP() {
        SplittableRandom r = random(7);
        PlanState s = new PlanState();
        int h = 0;
        int v = 0;
        int g = 0;
        for (int i = 0; i < N; i++) {
            s.reset(10, 10);
            RandomHorizontalFlip.of(0.3).apply(s, r);
            h += s.m[0] < 0 ? 1 : 0;
            RandomVerticalFlip.of(0.6).apply(s, r);
            v += s.m[4] < 0 ? 1 : 0;
            Grayscale.random(0.1).apply(s, r);
            g += s.gray ? 1 : 0;
        }
        assertBernoulli(h, 0.3, "horizontal flip");
        assertBernoulli(v, 0.6, "vertical flip");
        assertBernoulli(g, 0.1, "random grayscale");
    }
}
