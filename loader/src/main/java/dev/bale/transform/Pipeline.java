package dev.bale.transform;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The ops of a {@link Transform#compose composed} transform, in order, and what follows from them:
 * the output size, whether it is a text line, how its batches are cut.
 */
public record Pipeline(List<Op> ops, TextLine.PadPolicy padPolicy) {

    public Pipeline {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one op");
        }
        boolean afterTextLine = false;
        for (Op op : ops) {
            if (afterTextLine && !(op instanceof ColorJitter || op instanceof Grayscale || op instanceof Normalize)) {
                throw new IllegalArgumentException("only colour ops and normalize may follow textline, not " + op.spec());
            }
            afterTextLine |= op instanceof TextLine;
        }
    }

    /** {width, height} of the output for a {@code width x height} source. */
    public int[] outputSize(int width, int height) {
        int[] size = {width, height};
        for (Op op : ops) {
            op.resize(size);
        }
        return size;
    }

    /** Whether every source gives the same output size (else all sources must have one size). */
    public boolean fixedSize() {
        boolean fixed = false;
        for (Op op : ops) {
            if (op.fixesSize()) {
                fixed = true;
            }
        }
        return fixed;
    }

    /** The text-line op, or null. */
    public TextLine textLine() {
        for (Op op : ops) {
            if (op instanceof TextLine t) {
                return t;
            }
        }
        return null;
    }

    /** Runs every op on a fresh state for a {@code width x height} source. */
    void plan(PlanState state, int width, int height, SplittableRandom random) {
        state.reset(width, height);
        for (Op op : ops) {
            op.apply(state, random);
        }
    }

    /** The ops in the {@code --transform} grammar. */
    public String spec() {
        StringBuilder b = new StringBuilder();
        for (Op op : ops) {
            b.append(b.length() > 0 ? "," : "").append(op.spec());
        }
        return b.toString();
    }
}
