package dev.bale.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the small metadata files of a container (manifests, indexes, keys) with errors in words:
 * a missing file says "missing", bytes that are not UTF-8 give the byte offset, and text quoted
 * back from a damaged file has its non-printable characters escaped.
 */
public final class MetaFiles {
    private static final int QUOTE_LIMIT = 80;

    private MetaFiles() {
    }

    /** The whole file; a {@link CorruptContainerException} "FILE: missing" if it is not there. */
    public static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptContainerException(file + ": missing", e);
        }
    }

    /** Decodes strict UTF-8; "WHERE: not UTF-8 at byte N" at the first malformed byte. */
    public static String utf8(byte[] bytes, Object where) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new CorruptContainerException(where + ": not UTF-8 at byte " + in.position());
        }
        return out.flip().toString();
    }

    /**
     * Text from a damaged file, fit to quote in a message: control and other invisible characters
     * as {@code \xNN} or {@code \\uNNNN}, cut after 80 characters.
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (i == QUOTE_LIMIT) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02X", (int) c));
            } else if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || (type == Character.SURROGATE && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(text.charAt(i - 1))))) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** CRC-32C of a byte array. */
    public static int crc32c(byte[] bytes) {
        return Checksums.crc32c(ByteBuffer.wrap(bytes));
    }
}
