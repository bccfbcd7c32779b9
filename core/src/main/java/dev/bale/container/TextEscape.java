package dev.bale.container;

/**
 * Escapes a label for one field of a tab-separated line: backslash, tab, newline and carriage
 * return become {@code \\ \t \n \r}, so that any text label fits in a column.
 */
public final class TextEscape {
    private TextEscape() {
    }

    public static String escape(String text) {
        if (text.indexOf('\\') < 0 && text.indexOf('\t') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
