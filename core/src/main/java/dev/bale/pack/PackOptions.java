package dev.bale.pack;

import dev.bale.container.Layout;

/**
 * How to pack.
 *
 * @param layout  the container layout to write
 * @param threads reader threads (reading small files is I/O bound: more than cores helps)
 * @param check   decode every image while packing and treat the undecodable as bad
 * @param onBad   what to do with a bad record
 * @param force   replace an existing output
 */
public record PackOptions(Layout layout, int threads, boolean check, OnBad onBad, boolean force) {

    /** What a bad input record does to a pack. */
    public enum OnBad {
        /** Stop; nothing is renamed into place. */
        FAIL,
        /** Leave it out, and list it in a report file beside the output. */
        SKIP
    }

    public PackOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    public static PackOptions of(Layout layout) {
        return new PackOptions(layout, 4, false, OnBad.FAIL, false);
    }

    public PackOptions withThreads(int threads) {
        return new PackOptions(layout, threads, check, onBad, force);
    }

    public PackOptions withCheck(boolean check) {
        return new PackOptions(layout, threads, check, onBad, force);
    }

    public PackOptions withOnBad(OnBad onBad) {
        return new PackOptions(layout, threads, check, onBad, force);
    }

    public PackOptions withForce(boolean force) {
        return new PackOptions(layout, threads, check, onBad, force);
    }
}
