package dev.bale.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The size an encoded image's header declares, for the formats OpenCV decodes that a record is
 * likely to hold: JPEG and PNG ({@link ImageHeader}), BMP, GIF and WebP. Read before any decoder
 * runs, so that {@link ImageLimits} can refuse a header that claims more than it may allocate.
 */
public final class DeclaredSize {
    private DeclaredSize() {
    }

    /** The declared size, or empty if the format is none of these or its header is cut short. */
    public static Optional<ImageHeader> of(ByteBuffer data) {
        Optional<ImageHeader> common = ImageHeader.probe(data);
        if (common.isPresent()) {
            return common;
        }
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining();
        if (n >= 30 && b.get(0) == 'B' && b.get(1) == 'M') {
            int bits = b.getShort(28) & 0xFFFF;
            return Optional.of(new ImageHeader(b.getInt(18), Math.abs(b.getInt(22)), Math.max(1, Math.min(4, bits / 8))));
        }
        if (n >= 10 && b.get(0) == 'G' && b.get(1) == 'I' && b.get(2) == 'F' && b.get(3) == '8') {
            return Optional.of(new ImageHeader(b.getShort(6) & 0xFFFF, b.getShort(8) & 0xFFFF, 3));
        }
        if (n >= 30 && b.getInt(0) == 0x46464952 /* RIFF */ && b.getInt(8) == 0x50424557 /* WEBP */) {
            int chunk = b.getInt(12);
            if (chunk == 0x20385056 /* "VP8 " */) {
                return Optional.of(new ImageHeader(b.getShort(26) & 0x3FFF, b.getShort(28) & 0x3FFF, 3));
            }
            if (chunk == 0x4C385056 /* VP8L */) {
                int bits = b.getInt(21);
                return Optional.of(new ImageHeader((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, 4));
            }
            if (chunk == 0x58385056 /* VP8X */) {
                int width = (b.get(24) & 0xFF | (b.get(25) & 0xFF) << 8 | (b.get(26) & 0xFF) << 16) + 1;
                int height = (b.get(27) & 0xFF | (b.get(28) & 0xFF) << 8 | (b.get(29) & 0xFF) << 16) + 1;
                return Optional.of(new ImageHeader(width, height, 4));
            }
        }
        return Optional.empty();
    }
}
