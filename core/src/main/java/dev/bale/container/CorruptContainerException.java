package dev.bale.container;

/**
 * A container, or one of its records, is damaged: truncated, bit-flipped, or not what its index
 * says. The message names the file and, where one is at fault, the record index and key.
 */
public class CorruptContainerException extends RuntimeException {
    public CorruptContainerException(String message) {
        super(message);
    }

    public CorruptContainerException(String message, Throwable cause) {
        super(message, cause);
    }
}
