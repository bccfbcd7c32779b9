package dev.bale.container.foreign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Class ids for a foreign dataset's labels, the way Bale's own sources assign them: labels that are
 * all small non-negative integers are their own ids; text labels get ids in sorted order; a record
 * without a label (null) gets -1.
 */
final class ForeignLabels {
    private static final int MAX_NUMERIC_CLASSES = 1 << 20;

    final List<String> classes;
    final int[] ids;
    /** "int", "text" or "none". */
    final String kind;

    private ForeignLabels(List<String> classes, int[] ids, String kind) {
        this.classes = List.copyOf(classes);
        this.ids = ids;
        this.kind = kind;
    }

    static ForeignLabels of(List<String> labels) {
        int[] ids = new int[labels.size()];
        boolean any = labels.stream().anyMatch(l -> l != null);
        if (!any) {
            java.util.Arrays.fill(ids, -1);
            return new ForeignLabels(List.of(), ids, "none");
        }
        boolean numeric = labels.stream().allMatch(l -> l == null || isSmallInt(l));
        if (numeric) {
            int max = -1;
            for (int i = 0; i < ids.length; i++) {
                ids[i] = labels.get(i) == null ? -1 : Integer.parseInt(labels.get(i));
                max = Math.max(max, ids[i]);
            }
            List<String> classes = new ArrayList<>();
            for (int c = 0; c <= max; c++) {
                classes.add(Integer.toString(c));
            }
            return new ForeignLabels(classes, ids, "int");
        }
        TreeSet<String> distinct = new TreeSet<>();
        labels.stream().filter(l -> l != null).forEach(distinct::add);
        List<String> classes = new ArrayList<>(distinct);
        Map<String, Integer> byName = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            byName.put(classes.get(c), c);
        }
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labels.get(i) == null ? -1 : byName.get(labels.get(i));
        }
        return new ForeignLabels(classes, ids, "text");
    }

    private static boolean isSmallInt(String text) {
        if (text.isEmpty() || text.length() > 7 || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(text) < MAX_NUMERIC_CLASSES;
    }
}
