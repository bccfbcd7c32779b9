package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's RandomAffine(degrees, translate, scale, shear, fill), about the image centre. Draws,
 * in torchvision's order: angle uniform in [d0, d1]; if translate (a, b): tx = round(uniform(-a W, a W)),
 * ty = round(uniform(-b H, b H)); if a scale range: uniform in it; if shear: x uniform in [s0, s1],
 * and y in [s2, s3] when four values are given. The matrix is torchvision's
 * {@code _get_inverse_affine_matrix} (angle clockwise, as torchvision's F.affine).
 */
public final class RandomAffine extends Op {
    private final double minDegrees;
    private final double maxDegrees;
    private final double[] translate;
    private final double[] scale;
    private final double[] shear;
    private final int fill;

    private RandomAffine(double minDegrees, double maxDegrees, double[] translate, double[] scale, double[] shear, int fill) {
        if (!(minDegrees <= maxDegrees)) {
            throw new IllegalArgumentException("degrees range is empty");
        }
        if (translate != null && (translate.length != 2 || translate[0] < 0 || translate[0] > 1 || translate[1] < 0
                || translate[1] > 1)) {
            throw new IllegalArgumentException("translate needs two fractions in [0, 1]");
        }
        if (scale != null && (scale.length != 2 || !(0 < scale[0] && scale[0] <= scale[1]))) {
            throw new IllegalArgumentException("scale needs 0 < min <= max");
        }
        if (shear != null && shear.length != 2 && shear.length != 4) {
            throw new IllegalArgumentException("shear needs 2 or 4 values");
        }
        if (fill < 0 || fill > 255) {
            throw new IllegalArgumentException("fill must be 0..255");
        }
        this.minDegrees = minDegrees;
        this.maxDegrees = maxDegrees;
        this.translate = translate == null ? null : translate.clone();
        this.scale = scale == null ? null : scale.clone();
        this.shear = shear == null ? null : shear.clone();
        this.fill = fill;
    }

    /** RandomAffine(degrees): rotation only, in [-degrees, degrees]. */
    public static RandomAffine of(double degrees) {
        return new RandomAffine(-degrees, degrees, null, null, null, 0);
    }

    /**
     * @param translate null or {a, b}: fractions of width and height
     * @param scale     null or {min, max}
     * @param shear     null, {min, max} (x only) or {xmin, xmax, ymin, ymax}, in degrees
     */
    public static RandomAffine of(double minDegrees, double maxDegrees, double[] translate, double[] scale,
                                  double[] shear, int fill) {
        return new RandomAffine(minDegrees, maxDegrees, translate, scale, shear, fill);
    }

    @Override
    public String spec() {
        return "affine=" + num(minDegrees) + ".." + num(maxDegrees) + ":" + group(translate, "x") + ":"
                + group(scale, "..") + ":" + group(shear, "..") + ":" + fill;
    }

    private static String group(double[] v, String separator) {
        if (v == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? separator : "").append(num(v[i]));
        }
        return b.toString();
    }

    /** {angle, tx, ty, scale, shearX, shearY}: torchvision's RandomAffine.get_params. */
    double[] draw(int width, int height, SplittableRandom random) {
        double angle = uniform(random, minDegrees, maxDegrees);
        double tx = 0;
        double ty = 0;
        if (translate != null) {
            double maxDx = translate[0] * width;
            double maxDy = translate[1] * height;
            tx = Math.rint(uniform(random, -maxDx, maxDx));
            ty = Math.rint(uniform(random, -maxDy, maxDy));
        }
        double s = scale == null ? 1 : uniform(random, scale[0], scale[1]);
        double shearX = 0;
        double shearY = 0;
        if (shear != null) {
            shearX = uniform(random, shear[0], shear[1]);
            if (shear.length == 4) {
                shearY = uniform(random, shear[2], shear[3]);
            }
        }
        return new double[] {angle, tx, ty, s, shearX, shearY};
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        double[] d = draw(s.width, s.height, random);
        s.centred(inverseAffine(d[0], d[1], d[2], d[3], d[4], d[5]));
        s.fill = fill;
    }

    /**
     * torchvision's {@code _get_inverse_affine_matrix} with centre (0, 0): output coordinates
     * (relative to the centre) to input coordinates, 2x3 row-major. Angles in degrees.
     */
    static double[] inverseAffine(double angle, double tx, double ty, double scale, double shearX, double shearY) {
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d / scale, -b / scale, 0, -c / scale, a / scale, 0};
        m[2] += m[0] * -tx + m[1] * -ty;
        m[5] += m[3] * -tx + m[4] * -ty;
        return m;
    }

    @Override
    void resize(int[] size) {
    }
}
