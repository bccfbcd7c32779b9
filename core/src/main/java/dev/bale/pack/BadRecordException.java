package dev.bale.pack;

/** One input record cannot be packed; the message says which (line and path, or index and key) and why. */
public class BadRecordException extends RuntimeException {
    private final int index;
    private final String reason;

    public BadRecordException(int index, String where, String reason) {
        super(where + ": " + reason);
        this.index = index;
        this.reason = reason;
    }

    public int index() {
        return index;
    }

    public String reason() {
        return reason;
    }
}
