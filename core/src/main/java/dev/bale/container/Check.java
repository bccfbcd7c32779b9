package dev.bale.container;

/**
 * What a container recorded at pack time about one of its parts (a file, or a structure inside a
 * database): its length in bytes and its CRC-32C.
 */
public record Check(long bytes, int crc32c) {

    public static Check of(byte[] content) {
        return new Check(content.length, MetaFiles.crc32c(content));
    }

    /** Null when {@code actual} matches, else what differs, in words. */
    public String mismatch(Check actual) {
        if (actual.bytes != bytes) {
            return "is " + actual.bytes + " bytes, the manifest recorded " + bytes + " (truncated, extended or replaced)";
        }
        if (actual.crc32c != crc32c) {
            return "checksum mismatch (CRC-32C " + hex(actual.crc32c) + ", the manifest recorded " + hex(crc32c) + ")";
        }
        return null;
    }

    static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
