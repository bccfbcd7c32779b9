package dev.bale.dataset;

import dev.bale.container.Layout;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which input records go to which shard: consecutive ranges in list order. Shard s holds input
 * records [{@link #from}(s), {@link #to}(s)). The plan depends only on the record count (and, for a
 * size limit, the records' sizes), so any engine that follows it writes the same shards.
 */
public final class ShardPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] starts; // starts.length = shards + 1; the last is the record count

    private ShardPlan(int[] starts) {
        this.starts = starts;
    }

    /** {@code shards} ranges whose sizes differ by at most one record (shard s starts at s * n / shards). */
    public static ShardPlan ofShards(int records, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("need at least one shard, got " + shards);
        }
        int count = Math.max(1, Math.min(shards, records));
        int[] starts = new int[count + 1];
        for (int s = 0; s <= count; s++) {
            starts[s] = (int) ((long) s * records / count);
        }
        return new ShardPlan(starts);
    }

    /**
     * Ranges filled in order until the next record would take a shard past {@code maxBytes} of
     * record data (a shard always takes at least one record, however large).
     */
    public static ShardPlan ofSize(long[] recordBytes, long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("shard size must be positive, got " + maxBytes);
        }
        int[] starts = new int[recordBytes.length + 2];
        int shards = 0;
        long used = 0;
        for (int i = 0; i < recordBytes.length; i++) {
            if (i > 0 && used + recordBytes[i] > maxBytes) {
                starts[++shards] = i;
                used = 0;
            }
            used += recordBytes[i];
        }
        starts[++shards] = recordBytes.length;
        return new ShardPlan(Arrays.copyOf(starts, shards + 1));
    }

    public int shards() {
        return starts.length - 1;
    }

    public int from(int shard) {
        return starts[shard];
    }

    public int to(int shard) {
        return starts[shard + 1];
    }

    public int records() {
        return starts[starts.length - 1];
    }

    /** The shard's main file or folder name: {@code shard-00000.bin}, {@code shard-00001.tfrecord}, ... */
    public static String name(int shard, Layout layout) {
        return String.format(Locale.ROOT, "shard-%05d.%s", shard, layout.id());
    }

    /** Parses "256MB", "1.5GB", "64KiB", "1000" (bytes): decimal units (kB, MB, GB, TB) and binary ones (KiB...). */
    public static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"}, {"TIB", "1099511627776"},
                {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"TB", "1000000000000"}, {"B", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (!(value > 0) || value * unit > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (say 256MB, 1GB, 64MiB)");
        }
    }
}
