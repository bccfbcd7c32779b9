package dev.bale.container.foreign;

/** A pickle asked for something a data file has no business asking for: a global not on the allow-list. */
public final class PickleRefusedException extends RuntimeException {
    PickleRefusedException(String message) {
        super(message);
    }
}
