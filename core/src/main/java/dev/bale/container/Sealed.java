package dev.bale.container;

import java.util.Map;

/**
 * A manifest as read from disk, with the checks it recorded over the container's other metadata
 * (see {@link Seal}). {@code checks} is null for a manifest written before Bale recorded them.
 */
public record Sealed(Manifest manifest, Map<String, Check> checks) {

    public boolean checksummed() {
        return checks != null;
    }

    /** The check recorded for {@code part}, or null (also when unchecksummed). */
    public Check check(String part) {
        return checks == null ? null : checks.get(part);
    }

    /**
     * Compares {@code actual} with what was recorded for {@code part}; does nothing for an
     * unchecksummed manifest.
     *
     * @throws CorruptContainerException "WHERE: checksum mismatch ..." naming {@code where}
     */
    public void verify(String part, Check actual, Object where) {
        if (checks == null) {
            return;
        }
        Check recorded = checks.get(part);
        if (recorded == null) {
            throw new CorruptContainerException(where + ": the manifest records no checksum for " + part
                    + " (the manifest is damaged)");
        }
        String mismatch = recorded.mismatch(actual);
        if (mismatch != null) {
            throw new CorruptContainerException(where + ": " + mismatch);
        }
    }

    /** Like {@link #verify(String, Check, Object)}, but only the length is known. */
    public void verifyBytes(String part, long bytes, Object where) {
        Check recorded = check(part);
        if (checks != null && recorded == null) {
            throw new CorruptContainerException(where + ": the manifest records no size for " + part);
        }
        if (recorded != null && recorded.bytes() != bytes) {
            throw new CorruptContainerException(where + ": is " + bytes + " bytes, the manifest recorded "
                    + recorded.bytes() + " (truncated, extended or replaced)");
        }
    }
}
