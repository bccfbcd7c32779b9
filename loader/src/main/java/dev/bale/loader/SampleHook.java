package dev.bale.loader;

/**
 * Java code for what the ops don't cover, run in the worker thread on each sample's uint8 image
 * after the geometric ops and before the colour ops and normalization. It may change the pixels
 * in place. It runs on several threads at once, and must be deterministic in (index, image) for
 * batches to stay the same with any number of workers.
 */
@FunctionalInterface
public interface SampleHook {
    void apply(int index, SampleImage image);
}
