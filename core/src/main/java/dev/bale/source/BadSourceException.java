package dev.bale.source;

/** The source dataset cannot be used as given; the message names the file and line at fault. */
public class BadSourceException extends RuntimeException {
    public BadSourceException(String message) {
        super(message);
    }
}
