package dev.bale.examples.ocr;

/**
 * Character error rate over a set of lines: the summed edit distances (insertions, deletions,
 * substitutions, on code points) between predictions and references, over the summed reference
 * lengths. Predicting nothing scores 1; it can exceed 1 when predictions are longer than references.
 */
public final class CharacterErrorRate {
    private long edits;
    private long referenceLength;

    /** Adds one line. */
    public void add(String predicted, String reference) {
        edits += editDistance(predicted, reference);
        referenceLength += reference.codePointCount(0, reference.length());
    }

    public long edits() {
        return edits;
    }

    /** Edits per reference character; NaN before any reference character. */
    public double rate() {
        return referenceLength == 0 ? Double.NaN : (double) edits / referenceLength;
    }

    /** Levenshtein distance on code points (two rows). */
    public static int editDistance(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int[] previous = new int[y.length + 1];
        int[] current = new int[y.length + 1];
        for (int j = 0; j <= y.length; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length; i++) {
            current[0] = i;
            for (int j = 1; j <= y.length; j++) {
                int substitute = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length];
    }
}
