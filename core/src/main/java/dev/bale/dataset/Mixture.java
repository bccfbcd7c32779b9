package dev.bale.dataset;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import dev.bale.sample.Sampler;
import dev.bale.sample.Seeds;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Several containers (or datasets) as one, read with given weights: record i of part p is record
 * {@code i - start(p)} of the mixture; class names are merged (the first part's ids kept, new names
 * appended) so labels stay meaningful. {@link #sampler} draws each position's part by weight and
 * takes that part's next record from its own permutation (reshuffled when used up): over an epoch
 * each part gives about its weight's share, whatever its size. Closing the mixture closes the parts.
 */
public final class Mixture implements Container {
    private final List<Container> parts;
    private final double[] cumulative;
    private final int[] starts;
    private final int[] classIds;
    private final Manifest manifest;

    Mixture(List<Container> parts, double[] weights) {
        if (parts.isEmpty() || parts.size() != weights.length) {
            throw new IllegalArgumentException("give one weight per container");
        }
        this.parts = List.copyOf(parts);
        this.cumulative = new double[weights.length];
        double total = 0;
        for (int p = 0; p < weights.length; p++) {
            if (!(weights[p] > 0) || parts.get(p).size() == 0) {
                throw new IllegalArgumentException("part " + p + ": weights must be positive and containers non-empty");
            }
            total += weights[p];
            cumulative[p] = total;
        }
        for (int p = 0; p < weights.length; p++) {
            cumulative[p] /= total;
        }
        this.starts = new int[parts.size() + 1];
        Map<String, Integer> names = new LinkedHashMap<>();
        List<int[]> maps = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            starts[p + 1] = Math.addExact(starts[p], parts.get(p).size());
            List<String> classes = parts.get(p).manifest().classes();
            int[] map = new int[classes.size()];
            for (int c = 0; c < classes.size(); c++) {
                map[c] = names.computeIfAbsent(classes.get(c), n -> names.size());
            }
            maps.add(map);
        }
        this.classIds = new int[starts[parts.size()]];
        for (int p = 0; p < parts.size(); p++) {
            int[] ids = parts.get(p).classIds();
            int[] map = maps.get(p);
            for (int i = 0; i < ids.length; i++) {
                classIds[starts[p] + i] = ids[i] >= 0 && ids[i] < map.length ? map[ids[i]] : ids[i];
            }
        }
        long bytes = parts.stream().mapToLong(c -> c.manifest().sourceBytes()).sum();
        this.manifest = new Manifest(Manifest.FORMAT, Manifest.VERSION, layout().id(), classIds.length,
                List.copyOf(names.keySet()), bytes, "bale mixture");
    }

    /** Records of part {@code p} start at this index. */
    public int start(int p) {
        return starts[p];
    }

    /**
     * {@code epochSize} indices per epoch (the total size if 0), each part drawn with its weight;
     * deterministic from (seed, epoch).
     */
    public Sampler sampler(long seed, int epochSize) {
        int size = epochSize > 0 ? epochSize : classIds.length;
        return epoch -> {
            SplittableRandom pick = new SplittableRandom(Seeds.mix(seed, epoch, -7));
            int[][] orders = new int[parts.size()][];
            int[] next = new int[parts.size()];
            int[] rounds = new int[parts.size()];
            int[] order = new int[size];
            for (int k = 0; k < size; k++) {
                double u = pick.nextDouble();
                int p = 0;
                while (p < cumulative.length - 1 && u >= cumulative[p]) {
                    p++;
                }
                if (orders[p] == null || next[p] == orders[p].length) {
                    orders[p] = shuffled(parts.get(p).size(), Seeds.mix(seed, epoch, -100L - p - 1000L * rounds[p]++));
                    next[p] = 0;
                }
                order[k] = starts[p] + orders[p][next[p]++];
            }
            return order;
        };
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private int partOf(int index) {
        if (index < 0 || index >= classIds.length) {
            throw new IndexOutOfBoundsException("record " + index + " is not in [0, " + classIds.length + ")");
        }
        int p = Arrays.binarySearch(starts, index);
        if (p >= 0) {
            while (starts[p + 1] == index) {
                p++;
            }
            return p;
        }
        return -p - 2;
    }

    @Override
    public Path path() {
        return parts.get(0).path();
    }

    /** The first part's layout (parts may differ). */
    @Override
    public Layout layout() {
        return parts.get(0).layout();
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int[] classIds() {
        return classIds;
    }

    @Override
    public RecordReader newReader() {
        RecordReader[] readers = new RecordReader[parts.size()];
        return new RecordReader() {
            private RecordReader reader(int p) {
                if (readers[p] == null) {
                    readers[p] = parts.get(p).newReader();
                }
                return readers[p];
            }

            @Override
            public ByteBuffer read(int index) {
                int p = partOf(index);
                return reader(p).read(index - starts[p]);
            }

            @Override
            public String key(int index) {
                int p = partOf(index);
                return reader(p).key(index - starts[p]);
            }

            @Override
            public void close() {
                for (int p = 0; p < readers.length; p++) {
                    if (readers[p] != null) {
                        readers[p].close();
                        readers[p] = null;
                    }
                }
            }
        };
    }

    @Override
    public long bytesOnDisk() {
        return parts.stream().mapToLong(Container::bytesOnDisk).sum();
    }

    @Override
    public void close() {
        parts.forEach(Container::close);
    }
}
