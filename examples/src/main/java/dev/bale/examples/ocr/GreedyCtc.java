package dev.bale.examples.ocr;

/** Greedy (best-path) CTC decoding: the most likely class per time step, repeats merged, blanks dropped. */
public final class GreedyCtc {
    private GreedyCtc() {
    }

    /**
     * Collapses a best path: runs of the same class become one, then blanks (class {@code blank})
     * are dropped, so "a a - a b b" gives "a a b" (a blank separates a doubled letter).
     */
    public static int[] decode(int[] path, int blank) {
        int[] out = new int[path.length];
        int n = 0;
        int previous = blank;
        for (int c : path) {
            if (c != blank && c != previous) {
                out[n++] = c;
            }
            previous = c;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
