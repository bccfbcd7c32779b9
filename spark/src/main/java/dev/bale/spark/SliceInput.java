package dev.bale.spark;

import dev.bale.pack.PackInput;
import java.io.Serializable;
import java.util.List;

/**
 * A pack input that keeps the dataset's size and numbering but holds records [from, from + n) only:
 * what one task packs. {@code ShardedPacker.writeShard} reads exactly that range, and its messages
 * name records by their dataset index.
 */
abstract class SliceInput implements PackInput, Serializable {
    private static final long serialVersionUID = 1L;
    private final int size;
    final int from;
    private final List<String> classes;
    final String[] keys;
    final int[] classIds;

    SliceInput(int size, int from, List<String> classes, String[] keys, int[] classIds) {
        this.size = size;
        this.from = from;
        this.classes = classes;
        this.keys = keys;
        this.classIds = classIds;
    }

    /** Record {@code index}'s position in this slice. */
    final int at(int index) {
        int i = index - from;
        if (i < 0 || i >= keys.length) {
            throw new IndexOutOfBoundsException("record " + index + " is not in this slice [" + from + ", "
                    + (from + keys.length) + ")");
        }
        return i;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final List<String> classes() {
        return classes;
    }

    @Override
    public final String key(int index) {
        return keys[at(index)];
    }

    @Override
    public final int classId(int index) {
        return classIds[at(index)];
    }

    /** 0: a shard must come out the same whoever writes it (LMDB sizes its map from the hint). */
    @Override
    public final long sizeHint() {
        return 0;
    }
}
