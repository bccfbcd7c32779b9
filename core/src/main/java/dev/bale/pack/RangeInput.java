package dev.bale.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Records [from, to) of another input, renumbered from 0: what one shard packs. Classes are the
 * whole input's, so class ids stay global. The size hint is 0 on purpose: LMDB sizes its map (which
 * its file records) from the hint, and a shard must come out the same whoever writes it.
 */
public final class RangeInput implements PackInput {
    private final PackInput input;
    private final int from;
    private final int to;

    public RangeInput(PackInput input, int from, int to) {
        if (from < 0 || to < from || to > input.size()) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not within [0, " + input.size() + ")");
        }
        this.input = input;
        this.from = from;
        this.to = to;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public List<String> classes() {
        return input.classes();
    }

    @Override
    public String key(int index) {
        return input.key(from + index);
    }

    @Override
    public int classId(int index) {
        return input.classId(from + index);
    }

    @Override
    public String describe(int index) {
        return input.describe(from + index);
    }

    @Override
    public long sizeHint() {
        return 0;
    }

    @Override
    public ByteBuffer load(int index) throws IOException {
        return input.load(from + index);
    }

    @Override
    public long recordBytes(int index) throws IOException {
        return input.recordBytes(from + index);
    }
}
