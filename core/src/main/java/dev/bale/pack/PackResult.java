package dev.bale.pack;

import java.nio.file.Path;
import java.util.List;

/**
 * What a pack did.
 *
 * @param output      the container written
 * @param records     records written
 * @param skipped     records left out (only with {@link PackOptions.OnBad#SKIP}), in input order
 * @param report      the file listing the skipped records, or null when none were
 * @param inputBytes  encoded bytes written (sum of the packed files' sizes)
 * @param bytesOnDisk size of the container
 * @param seconds     wall time of the pack
 */
public record PackResult(Path output, int records, List<BadRecordException> skipped, Path report,
                         long inputBytes, long bytesOnDisk, double seconds) {

    /** Container size over input size: 1.00 means no growth. */
    public double sizeRatio() {
        return inputBytes == 0 ? 0 : (double) bytesOnDisk / inputBytes;
    }

    public double megabytesPerSecond() {
        return seconds == 0 ? 0 : inputBytes / 1e6 / seconds;
    }
}
