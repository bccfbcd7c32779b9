package dev.bale.inspect;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Compares a container record by record with the dataset it was made from (another container or a
 * foreign dataset): same count, keys and labels, and the same bytes, or, where one side holds raw
 * pixels, the same decoded pixels.
 */
public final class ContainerComparison {
    private ContainerComparison() {
    }

    public static List<Problem> compare(Container container, Container reference, IntConsumer progress) {
        List<Problem> problems = new ArrayList<>();
        if (container.size() != reference.size()) {
            problems.add(new Problem(-1, "", container.size() + " records, " + reference.path() + " has " + reference.size()));
        }
        int n = Math.min(container.size(), reference.size());
        try (RecordReader mine = container.newReader(); RecordReader theirs = reference.newReader()) {
            for (int i = 0; i < n; i++) {
                String key = "?";
                try {
                    key = mine.key(i);
                    String why = differs(container, reference, mine, theirs, i);
                    if (why != null) {
                        problems.add(new Problem(i, key, why));
                    }
                } catch (CorruptContainerException e) {
                    problems.add(new Problem(i, key, e.getMessage()));
                }
                progress.accept(i + 1);
            }
        }
        return problems;
    }

    private static String differs(Container container, Container reference, RecordReader mine, RecordReader theirs, int i) {
        if (!mine.key(i).equals(theirs.key(i))) {
            return "key differs from " + reference.path() + " (" + theirs.key(i) + ")";
        }
        String label = label(container, i);
        String theirLabel = label(reference, i);
        if (!label.equals(theirLabel)) {
            return "label " + label + ", " + reference.path() + " has " + theirLabel;
        }
        ByteBuffer a = mine.read(i);
        RawPixels rawA = mine.rawPixels();
        ByteBuffer b = theirs.read(i);
        RawPixels rawB = theirs.rawPixels();
        if (rawA == null && rawB == null) {
            return a.equals(b) ? null : "bytes differ from " + reference.path();
        }
        if (rawA != null && rawB != null) {
            return rawA.equals(rawB) && a.equals(b) ? null : "raw pixels differ from " + reference.path();
        }
        String why = rawB != null ? ImageCodec.get().differs(a, b, rawB) : ImageCodec.get().differs(b, a, rawA);
        return why == null ? null : "decoded pixels differ from " + reference.path() + ": " + why;
    }

    private static String label(Container c, int i) {
        int id = c.classIds()[i];
        return id < 0 ? "(none)" : c.manifest().label(id);
    }
}
