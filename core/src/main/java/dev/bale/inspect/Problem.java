package dev.bale.inspect;

/**
 * One thing {@code verify} found wrong.
 *
 * @param index the record index, or -1 for a source file that has no record
 * @param key   the record's key (or the source file's)
 * @param what  what is wrong
 */
public record Problem(int index, String key, String what) {
    @Override
    public String toString() {
        return (index >= 0 ? "record " + index + " (" + key + ")" : key) + ": " + what;
    }
}
