package dev.bale.bench;

import java.util.List;
import java.util.Map;

/** Every figure a bench run produced, as written to results.json. */
public record BenchResult(String date, Map<String, String> machine, int workers, boolean quick,
                          List<DatasetResult> datasets) {

    /** One dataset: its source files and every layout, the loader, the ceiling and the peer on it. */
    public record DatasetResult(String name, String description, int images, long sourceBytes, long sourceDiskBytes,
                                RawRead.Rate filesRead1, RawRead.Rate filesReadW, double catMegabytesPerSecond,
                                List<LayoutResult> layouts, Loader loader, List<Peer.Run> peer, String peerAbsent) {
    }

    /**
     * One layout on one dataset.
     *
     * @param mismatches samples decoded by the loader with all workers that differ from the source file decoded alone
     */
    public record LayoutResult(String layout, double packSeconds, long bytesOnDisk, double sizeRatio,
                               double packMegabytesPerSecond, RawRead.Rate read1, RawRead.Rate readW,
                               double evalImagesPerSecond, double trainImagesPerSecond, int checked, int mismatches) {
    }

    /**
     * The loader against its limit, on the bin layout: images/s with 1 and W workers, the one-thread
     * ceiling (in-memory decode+transform), and the same in exact mode (no reduced-scale decoding).
     */
    public record Loader(String transform, double oneWorker, double allWorkers, double ceilingOneThread,
                         double efficiency, double exactAllWorkers, double exactCeilingOneThread,
                         double exactEfficiency, double overheadMicrosPerImage) {
    }
}
