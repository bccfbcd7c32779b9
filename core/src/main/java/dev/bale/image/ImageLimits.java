package dev.bale.image;

/**
 * The largest image Bale decodes, checked against the size an image's header declares
 * ({@link DeclaredSize}: JPEG, PNG, BMP, GIF, WebP) before any decoder allocates for it: a tiny damaged or hostile file can claim gigapixels. Default 16384 x
 * 16384 pixels (at most 4 channels); set {@code -Dbale.maxImagePixels=N} to change it.
 */
public final class ImageLimits {
    public static final long DEFAULT_MAX_PIXELS = 16384L * 16384L;
    public static final int MAX_CHANNELS = 4;

    private ImageLimits() {
    }

    public static long maxPixels() {
        return Long.getLong("bale.maxImagePixels", DEFAULT_MAX_PIXELS);
    }

    /** Null when the declared size is acceptable, else why not, in words. */
    public static String problem(ImageHeader header) {
        if (header.width() <= 0 || header.height() <= 0) {
            return "the image header declares a size of " + header.width() + "x" + header.height();
        }
        if (header.channels() <= 0 || header.channels() > MAX_CHANNELS) {
            return "the image header declares " + header.channels() + " channels (at most " + MAX_CHANNELS + ")";
        }
        long pixels = (long) header.width() * header.height();
        if (pixels > maxPixels()) {
            return "the image header declares " + header.width() + "x" + header.height() + " pixels, over the limit of "
                    + maxPixels() + " (-Dbale.maxImagePixels)";
        }
        return null;
    }
}
