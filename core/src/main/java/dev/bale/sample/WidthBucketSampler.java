package dev.bale.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Batches records of similar width together (text lines of similar aspect ratio), to cut the
 * padding that a batch of mixed widths needs. Each epoch, from (seed, epoch) alone: the records
 * are shuffled, cut into pools of {@code poolBatches} global batches, sorted by width within each
 * pool, cut into batches, and the batches' order is shuffled. Emitted so that the loader's
 * consecutive {@code batchSize} chunks are exactly those batches; a last short batch comes last.
 *
 * <p>With {@code worldSize} > 1, rank r takes global batches r, r + world, ...; every rank gets the
 * same number of batches (the head is repeated to even them out, as DistributedSampler pads), and
 * the leftover records that do not fill a batch are left out of that epoch (a different few each
 * epoch).
 */
public final class WidthBucketSampler implements Sampler {
    private final double[] widths;
    private final int batchSize;
    private final long seed;
    private final int rank;
    private final int worldSize;
    private final int poolBatches;

    /**
     * @param widths      a width (or aspect ratio) per record; NaN sorts last
     * @param poolBatches how many batches are sorted together: 1 gives the most shuffling, the
     *                    dataset's size the least padding
     */
    public WidthBucketSampler(double[] widths, int batchSize, long seed, int rank, int worldSize, int poolBatches) {
        if (batchSize < 1 || poolBatches < 1) {
            throw new IllegalArgumentException("batch size and pool must be at least 1");
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + worldSize + ")");
        }
        this.widths = widths.clone();
        this.batchSize = batchSize;
        this.seed = seed;
        this.rank = rank;
        this.worldSize = worldSize;
        this.poolBatches = poolBatches;
    }

    /** One process: all batches, pools of 50 batches. */
    public static WidthBucketSampler of(double[] widths, int batchSize, long seed) {
        return new WidthBucketSampler(widths, batchSize, seed, 0, 1, 50);
    }

    @Override
    public int[] indices(int epoch) {
        int n = widths.length;
        int[] order = Permutations.shuffled(n, seed, epoch);
        int pool = (int) Math.min(n, (long) poolBatches * batchSize * worldSize);
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = order[i];
        }
        for (int from = 0; from < n; from += Math.max(1, pool)) {
            Arrays.sort(boxed, from, Math.min(n, from + pool), (a, b) -> Double.compare(widths[a], widths[b]));
        }
        int full = n / batchSize;
        int[] batchOrder = Permutations.identity(full);
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, -2));
        for (int i = full - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = batchOrder[i];
            batchOrder[i] = batchOrder[j];
            batchOrder[j] = t;
        }
        int tail = n - full * batchSize;
        if (worldSize == 1) {
            int[] out = new int[n];
            int at = 0;
            for (int b : batchOrder) {
                for (int k = 0; k < batchSize; k++) {
                    out[at++] = boxed[b * batchSize + k];
                }
            }
            for (int k = 0; k < tail; k++) {
                out[at++] = boxed[full * batchSize + k];
            }
            return out;
        }
        int perRank = full == 0 ? 0 : (full + worldSize - 1) / worldSize;
        int[] out = new int[perRank * batchSize];
        for (int k = 0; k < perRank; k++) {
            int b = batchOrder[(rank + k * worldSize) % full];
            for (int j = 0; j < batchSize; j++) {
                out[k * batchSize + j] = boxed[b * batchSize + j];
            }
        }
        return out;
    }
}
