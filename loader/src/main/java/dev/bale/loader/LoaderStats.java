package dev.bale.loader;

/**
 * Where an epoch's time went. Worker times are summed over all workers (so with W workers they
 * can add up to W times the wall time); the consumer's wait is its own.
 *
 * @param images            samples delivered
 * @param batches           batches delivered
 * @param seconds           wall time from the epoch's start to its last batch
 * @param readSeconds       workers reading encoded bytes from the container
 * @param decodeSeconds     workers decoding (inside the native call)
 * @param transformSeconds  workers cropping, resizing, flipping, jittering and laying out (inside the native call)
 * @param waitBufferSeconds workers waiting for the consumer to release a batch buffer
 * @param waitBatchSeconds  the consumer waiting for the next batch to be ready
 * @param skipped           bad samples replaced (policy SKIP)
 * @param paddingFraction   text lines: the share of delivered pixels (within each batch's width) that is padding; else 0
 * @param decodedFraction   pixels decoded over the pixels of the whole images at the scales decoded at:
 *                          below 1 when JPEG region decoding skipped what the crops do not keep
 */
public record LoaderStats(long images, long batches, double seconds, double readSeconds, double decodeSeconds,
                          double transformSeconds, double waitBufferSeconds, double waitBatchSeconds, long skipped,
                          double paddingFraction, double decodedFraction) {

    public LoaderStats(long images, long batches, double seconds, double readSeconds, double decodeSeconds,
                       double transformSeconds, double waitBufferSeconds, double waitBatchSeconds, long skipped) {
        this(images, batches, seconds, readSeconds, decodeSeconds, transformSeconds, waitBufferSeconds, waitBatchSeconds,
                skipped, 0, 1);
    }

    public double imagesPerSecond() {
        return seconds == 0 ? 0 : images / seconds;
    }

    @Override
    public String toString() {
        return String.format("%,d images in %,d batches, %.2f s: %,.0f images/s; worker time: read %.2f s, "
                        + "decode %.2f s, transform %.2f s, waiting for a free buffer %.2f s; consumer waited %.2f s; "
                        + "%d skipped; decoded %.1f%% of the pixels", images, batches, seconds, imagesPerSecond(),
                readSeconds, decodeSeconds, transformSeconds, waitBufferSeconds, waitBatchSeconds, skipped,
                100 * decodedFraction)
                + (paddingFraction > 0 ? String.format("; %.1f%% padding", 100 * paddingFraction) : "");
    }
}
