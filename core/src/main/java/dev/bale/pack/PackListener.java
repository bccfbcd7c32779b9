package dev.bale.pack;

/** Hears how a pack progresses, from the writing thread. */
public interface PackListener {
    PackListener NONE = new PackListener() {
    };

    default void started(int records) {
    }

    /** After each record written or skipped: totals so far. */
    default void progressed(int done, long bytes) {
    }

    default void finished() {
    }

    /** Before the pack starts: what dead packs to the same output had left, now removed. */
    default void reclaimed(Reclaim.Result result) {
    }
}
