package dev.bale.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Width, height and channel count of an encoded JPEG or PNG, read from its header without decoding
 * (TFRecord's {@code height/width/depth} features need them at pack time).
 */
public record ImageHeader(int width, int height, int channels) {

    private static final long PNG_SIGNATURE = 0x89504E470D0A1A0AL;

    /** The header of {@code data}'s remaining bytes, or empty if it is not a JPEG or PNG it can parse. */
    public static Optional<ImageHeader> probe(ByteBuffer data) {
        ByteBuffer b = data.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() >= 26 && b.getLong(0) == PNG_SIGNATURE && b.getInt(12) == 0x49484452 /* IHDR */) {
            int channels = switch (b.get(25)) {
                case 0 -> 1;
                case 4 -> 2;
                case 2, 3 -> 3;
                case 6 -> 4;
                default -> 0;
            };
            return Optional.of(new ImageHeader(b.getInt(16), b.getInt(20), channels));
        }
        if (b.remaining() >= 4 && (b.getShort(0) & 0xFFFF) == 0xFFD8) {
            return jpeg(b);
        }
        return Optional.empty();
    }

    private static Optional<ImageHeader> jpeg(ByteBuffer b) {
        int at = 2;
        while (at + 4 <= b.limit()) {
            if ((b.get(at) & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = b.get(at + 1) & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return Optional.empty(); // end of image or start of scan before any frame header
            }
            int length = b.getShort(at + 2) & 0xFFFF;
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame && at + 10 <= b.limit()) {
                int height = b.getShort(at + 5) & 0xFFFF;
                int width = b.getShort(at + 7) & 0xFFFF;
                int channels = b.get(at + 9) & 0xFF;
                return Optional.of(new ImageHeader(width, height, channels));
            }
            at += 2 + length;
        }
        return Optional.empty();
    }
}
