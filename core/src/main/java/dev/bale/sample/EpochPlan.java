package dev.bale.sample;

/**
 * One epoch cut into batches: the sampler's order, a batch size, and whether a short last batch
 * is dropped. Batch b holds positions [b * batchSize, b * batchSize + size(b)) of the order, so a
 * run resumed at batch b sees exactly what an uninterrupted one would have from b on.
 */
public final class EpochPlan {
    private final int[] order;
    private final int batchSize;
    private final int batches;

    public EpochPlan(int[] order, int batchSize, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.order = order;
        this.batchSize = batchSize;
        this.batches = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
    }

    public int batches() {
        return batches;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Samples in batch b: the batch size, or fewer for a short last batch. */
    public int size(int batch) {
        return Math.min(batchSize, order.length - batch * batchSize);
    }

    /** Record index of slot {@code slot} of batch {@code batch}. */
    public int index(int batch, int slot) {
        return order[batch * batchSize + slot];
    }

    /** Record index at position {@code position} of the epoch's order (wrapping around). */
    public int indexAt(long position) {
        return order[(int) (position % order.length)];
    }

    public int length() {
        return order.length;
    }
}
