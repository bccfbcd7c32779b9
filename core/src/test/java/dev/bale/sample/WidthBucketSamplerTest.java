package dev.bale.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WidthBucketSamplerTest {
    private static double[] widths(int n) {
        Random r = new Random(1);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 + r.nextInt(400);
        }
        return w;
    }

    /** Mean over batches of (widest - narrowest) in the batch. */
    private static double spread(int[] order, double[] w, int batch) {
        double sum = 0;
        int batches = 0;
        for (int b = 0; b + batch <= order.length; b += batch) {
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (int k = b; k < b + batch; k++) {
                lo = Math.min(lo, w[order[k]]);
                hi = Math.max(hi, w[order[k]]);
            }
            sum += hi - lo;
            batches++;
        }
        return sum / batches;
    }

    @Test
    void everyRecordOnceBatchesOfSimilarWidthAndADifferentOrderEachEpoch() {
        double[] w = widths(1003);
        WidthBucketSampler s = WidthBucketSampler.of(w, 16, 9);
        int[] e0 = s.indices(0);
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(e0, WidthBucketSampler.of(w, 16, 9).indices(0), "deterministic from the seed");
        assertFalse(Arrays.equals(e0, s.indices(1)), "a new order every epoch");
        double bucketed = spread(e0, w, 16);
        double shuffled = spread(Sampler.shuffled(w.length, 9).indices(0), w, 16);
        assertTrue(bucketed < shuffled / 10, "spread " + bucketed + " vs " + shuffled + " shuffled");
    }

    @Test
    void ranksGetDisjointEqualShares() {
        double[] w = widths(1000);
        Set<Integer> seen = new HashSet<>();
        int length = -1;
        for (int rank = 0; rank < 3; rank++) {
            int[] mine = new WidthBucketSampler(w, 16, 4, rank, 3, 50).indices(2);
            if (length >= 0) {
                assertEquals(length, mine.length);
            }
            length = mine.length;
            for (int i : mine) {
                seen.add(i);
            }
        }
        // 62 full batches over 3 ranks: 21 each, so 1 batch repeats; 8 records do not fill a batch.
        assertEquals(21 * 16, length);
        assertEquals(62 * 16, seen.size());
    }
}
