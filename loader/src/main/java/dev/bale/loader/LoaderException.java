package dev.bale.loader;

/** A worker failed; thrown in the consumer's thread, with the worker's exception as the cause. */
public class LoaderException extends RuntimeException {
    public LoaderException(String message, Throwable cause) {
        super(message, cause);
    }

    public LoaderException(String message) {
        super(message);
    }
}
