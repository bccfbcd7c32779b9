package dev.bale.loader;

import dev.bale.container.CorruptContainerException;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecodeException;

/**
 * Tells a bad record (damaged bytes, an undecodable or oversized image) from a fault of the
 * program or the machine (invalid decode parameters, a failed allocation). Only the first may be
 * skipped under {@link BadSamplePolicy#SKIP}; a fault stops the epoch whatever the policy.
 */
public final class BadData {
    private BadData() {
    }

    public static boolean isBadData(Throwable e) {
        if (e instanceof CorruptContainerException || e instanceof SampleDecoder.BadImageException) {
            return true;
        }
        if (e instanceof NativeDecodeException n) {
            return switch (n.status()) {
                case BaleNative.STATUS_UNDECODABLE, BaleNative.STATUS_BAD_GEOMETRY, BaleNative.STATUS_OPENCV_ERROR -> true;
                default -> false; // STATUS_BAD_PARAMS, STATUS_OUT_OF_MEMORY, and any status added later
            };
        }
        return false;
    }
}
