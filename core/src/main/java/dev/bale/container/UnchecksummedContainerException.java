package dev.bale.container;

/**
 * A Bale container whose manifest carries no checksums (written before Bale recorded them): its
 * indexes and labels cannot be vouched for, so it is not opened for reading unless asked.
 */
public class UnchecksummedContainerException extends CorruptContainerException {
    public UnchecksummedContainerException(Object container, Manifest manifest) {
        super(container + ": metadata unchecksummed (written by " + MetaFiles.escape(String.valueOf(manifest.createdBy()))
                + ", before Bale checksummed its metadata), so nothing vouches for its indexes and labels. "
                + "Check it with `bale verify`, then rewrite it with `bale convert IN OUT --format F --trust-unchecksummed`");
    }

    /** Throws unless the manifest is checksummed or the caller accepts one that is not. */
    public static void check(Sealed sealed, boolean accept, Object container) {
        if (!sealed.checksummed() && !accept) {
            throw new UnchecksummedContainerException(container, sealed.manifest());
        }
    }
}
