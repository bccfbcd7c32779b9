package dev.bale.container.foreign;

/** Sniffing: the dataset is not of the kind tried; the message says why, for the final error's list. */
final class NotThisKind extends RuntimeException {
    NotThisKind(String reason) {
        super(reason, null, false, false);
    }
}
