package dev.bale.dataset;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tries a request again when its failure may pass — a 5xx, 408 or 429, a reset, a timeout, a short
 * body — after an exponential, jittered pause; after the last try the error names the request and
 * what went wrong. Other failures end at once.
 */
final class Retries {
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 5_000;

    private Retries() {
    }

    /** One try's failure, and whether another try may succeed. */
    static final class Failure extends IOException {
        final boolean retryable;

        Failure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** A status answered by the server: worth retrying when it is 5xx, 408 or 429. */
        static Failure status(int status) {
            return new Failure("HTTP " + status, status >= 500 || status == 408 || status == 429);
        }
    }

    interface Attempt<T> {
        T run() throws IOException;
    }

    /** Runs {@code attempt} up to {@code attempts} times; other IOExceptions (resets, timeouts) are retried too. */
    static <T> T run(String what, int attempts, Attempt<T> attempt) throws IOException {
        IOException last = null;
        int tries = 0;
        for (int k = 0; k < attempts; k++) {
            if (k > 0) {
                pause(k);
            }
            try {
                tries++;
                return attempt.run();
            } catch (Failure e) {
                last = e;
                if (!e.retryable) {
                    break;
                }
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException(what + " failed" + (tries > 1 ? " after " + tries + " tries" : "") + ": " + last.getMessage(), last);
    }

    private static void pause(int attempt) throws InterruptedIOException {
        long pause = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(attempt - 1, 16));
        try {
            Thread.sleep(pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
