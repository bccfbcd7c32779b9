package dev.bale.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading response bodies whose size is known in advance, never past it. */
final class Streams {
    private Streams() {
    }

    static byte[] readCapped(InputStream in, long maxBytes) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new Retries.Failure("larger than " + maxBytes + " bytes", false);
        }
        return bytes;
    }

    /** Exactly {@code length} bytes: fewer is a short body (retryable), more is refused. */
    static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new Retries.Failure("short body: " + bytes.length + " of " + length + " bytes", true);
        }
        if (in.read() >= 0) {
            throw new Retries.Failure("longer than the " + length + " bytes asked for", false);
        }
        return bytes;
    }

    /** Copies exactly {@code bytes} bytes into {@code target}: more is refused as it arrives, fewer is a short body (retryable). */
    static void copyExactly(InputStream in, Path target, long bytes) throws IOException {
        long got = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                got += n;
                if (got > bytes) {
                    throw new Retries.Failure("longer than the " + bytes + " bytes dataset.json gives", false);
                }
                out.write(buffer, 0, n);
            }
        }
        if (got < bytes) {
            throw new Retries.Failure("short body: " + got + " of " + bytes + " bytes", true);
        }
    }
}
