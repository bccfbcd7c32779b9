package dev.bale.inspect;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a text-recognition container holds, for {@code inspect}: its charset, the label lengths and
 * the images' sizes, from the labels and the image headers only (nothing is decoded).
 *
 * @param charset     distinct code points over all labels
 * @param labelLength min, mean, max of the labels' lengths in code points, over records
 * @param width       min, median, mean, max image width
 * @param height      likewise
 * @param aspect      likewise for width / height
 * @param unreadable  records whose header could not be read (left out of the sizes)
 */
public record TextStats(int charset, double[] labelLength, double[] width, double[] height, double[] aspect,
                        int unreadable) {

    /** Whether the labels are text: some class name is not a whole number. */
    public static boolean textLabelled(Container container) {
        for (String name : container.manifest().classes()) {
            if (!name.matches("-?\\d+")) {
                return true;
            }
        }
        return false;
    }

    public static TextStats of(Container container) {
        int n = container.size();
        int[] classIds = container.classIds();
        TreeSet<Integer> chars = new TreeSet<>();
        for (String name : container.manifest().classes()) {
            name.codePoints().forEach(chars::add);
        }
        double[] lengths = new double[n];
        double[] widths = new double[n];
        double[] heights = new double[n];
        double[] aspects = new double[n];
        int read = 0;
        int bad = 0;
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < n; i++) {
                String label = container.manifest().label(classIds[i]);
                lengths[i] = label.codePointCount(0, label.length());
                Optional<ImageHeader> h;
                try {
                    h = ImageHeader.probe(reader.read(i));
                } catch (CorruptContainerException e) {
                    h = Optional.empty();
                }
                if (h.isEmpty()) {
                    bad++;
                    continue;
                }
                widths[read] = h.get().width();
                heights[read] = h.get().height();
                aspects[read] = (double) h.get().width() / h.get().height();
                read++;
            }
        }
        return new TextStats(chars.size(), minMeanMax(lengths), summary(Arrays.copyOf(widths, read)),
                summary(Arrays.copyOf(heights, read)), summary(Arrays.copyOf(aspects, read)), bad);
    }

    private static double[] minMeanMax(double[] v) {
        double[] s = summary(v);
        return new double[] {s[0], s[2], s[3]};
    }

    /** min, median, mean, max; zeros when empty. */
    private static double[] summary(double[] v) {
        if (v.length == 0) {
            return new double[4];
        }
        double[] s = v.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        return new double[] {s[0], s[s.length / 2], mean, s[s.length - 1]};
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("charset_size", charset);
        m.put("label_length", Map.of("min", labelLength[0], "mean", labelLength[1], "max", labelLength[2]));
        m.put("width", Map.of("min", width[0], "median", width[1], "mean", width[2], "max", width[3]));
        m.put("height", Map.of("min", height[0], "median", height[1], "mean", height[2], "max", height[3]));
        m.put("aspect", Map.of("min", aspect[0], "median", aspect[1], "mean", aspect[2], "max", aspect[3]));
        m.put("unreadable_headers", unreadable);
        return m;
    }

    public String toText() {
        return String.format("text labels%n  %-13s %d characters%n  %-13s min %.0f, mean %.1f, max %.0f%n"
                        + "  %-13s min %.0f, median %.0f, mean %.1f, max %.0f%n"
                        + "  %-13s min %.0f, median %.0f, mean %.1f, max %.0f%n"
                        + "  %-13s min %.2f, median %.2f, mean %.2f, max %.2f%n%s",
                "charset", charset, "label length", labelLength[0], labelLength[1], labelLength[2],
                "width", width[0], width[1], width[2], width[3], "height", height[0], height[1], height[2], height[3],
                "aspect w/h", aspect[0], aspect[1], aspect[2], aspect[3],
                unreadable > 0 ? String.format("  %d records without a readable header%n", unreadable) : "");
    }
}
