package dev.bale.sample;

import java.util.SplittableRandom;

/** Orders of 0..n-1. */
final class Permutations {
    private Permutations() {
    }

    static int[] identity(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        return order;
    }

    /** A Fisher-Yates shuffle driven by a generator seeded from (seed, epoch) only. */
    static int[] shuffled(int size, long seed, int epoch) {
        int[] order = identity(size);
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, -1));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
