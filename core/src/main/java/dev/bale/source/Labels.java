package dev.bale.source;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Maps label texts to class ids, one to one, so that a record's label text is its class name.
 * Labels that are all plain non-negative integers (no sign, no leading zero) are their own ids;
 * otherwise (or when one is huge) the distinct texts, sorted, get ids 0..K-1.
 */
public final class Labels {
    /** Larger integer labels look like identifiers, not class ids: they are treated as text. */
    private static final int MAX_NUMERIC_CLASSES = 1 << 20;

    private final List<String> classes;
    private final int[] ids;

    private Labels(List<String> classes, int[] ids) {
        this.classes = List.copyOf(classes);
        this.ids = ids;
    }

    /** {@code forceText}: treat "0", "1"... as names too (class folders are always names). */
    public static Labels of(List<String> labels, boolean forceText) {
        int[] ids = new int[labels.size()];
        if (!forceText && labels.stream().allMatch(Labels::isCanonicalInt)
                && labels.stream().mapToInt(Integer::parseInt).max().orElse(0) < MAX_NUMERIC_CLASSES) {
            int max = 0;
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Integer.parseInt(labels.get(i));
                max = Math.max(max, ids[i]);
            }
            List<String> classes = new ArrayList<>(max + 1);
            for (int c = 0; c <= max; c++) {
                classes.add(Integer.toString(c));
            }
            return new Labels(classes, ids);
        }
        List<String> classes = new ArrayList<>(new TreeSet<>(labels));
        java.util.Map<String, Integer> byName = new java.util.HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            byName.put(classes.get(c), c);
        }
        for (int i = 0; i < ids.length; i++) {
            ids[i] = byName.get(labels.get(i));
        }
        return new Labels(classes, ids);
    }

    private static boolean isCanonicalInt(String text) {
        if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    public List<String> classes() {
        return classes;
    }

    public int classId(int index) {
        return ids[index];
    }
}
