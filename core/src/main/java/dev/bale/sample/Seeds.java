package dev.bale.sample;

/**
 * Derives independent generator seeds from (seed, epoch, sample index), so that what a sample
 * gets (its place in the shuffle, its random crop) depends on nothing else — not on the thread
 * that handles it, nor on what ran before.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long mix(long seed, int epoch, long index) {
        long h = seed;
        h = splitMix(h + 0x9E3779B97F4A7C15L * (epoch + 1L));
        h = splitMix(h + 0xC2B2AE3D27D4EB4FL * (index + 2L));
        return h;
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
