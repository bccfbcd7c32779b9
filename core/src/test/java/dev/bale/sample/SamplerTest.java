package dev.bale.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SamplerTest {

    @Test
    void sequentialIsTheIdentity() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, Sampler.sequential(4).indices(7));
    }

    @Test
    void shuffledIsAPermutationThatDependsOnSeedAndEpochOnly() {
        Sampler a = Sampler.shuffled(1000, 42);
        int[] e0 = a.indices(0);
        assertArrayEquals(e0, Sampler.shuffled(1000, 42).indices(0));
        assertFalse(Arrays.equals(e0, a.indices(1)));
        assertFalse(Arrays.equals(e0, Sampler.shuffled(1000, 43).indices(0)));
        assertArrayEquals(Sampler.sequential(1000).indices(0), Arrays.stream(e0).sorted().toArray());
    }

    @ParameterizedTest
    @CsvSource({"10, 3, false", "10, 3, true", "12, 4, false", "7, 8, false", "1000, 7, true"})
    void distributedRanksAreDisjointAndCoverEverything(int size, int world, boolean dropTail) {
        Set<Integer> seen = new HashSet<>();
        int perRank = -1;
        int total = 0;
        for (int rank = 0; rank < world; rank++) {
            int[] mine = Sampler.distributed(size, rank, world, true, 5, dropTail).indices(3);
            if (perRank < 0) {
                perRank = mine.length;
            }
            assertEquals(perRank, mine.length, "every rank gets the same count");
            for (int i : mine) {
                seen.add(i);
            }
            total += mine.length;
        }
        if (dropTail) {
            assertEquals(size / world * world, total);
            assertEquals(total, seen.size(), "no index twice when the tail is dropped");
        } else {
            assertEquals(size, seen.size(), "every index is covered");
            assertEquals((size + world - 1) / world * world, total, "padding only up to a multiple of the world size");
        }
    }

    @Test
    void distributedMatchesPyTorchsInterleaving() {
        // PyTorch: indices += indices[:padding]; rank r takes indices[r::world].
        assertArrayEquals(new int[] {1, 4, 7, 0}, Sampler.distributed(10, 1, 3, false, 0, false).indices(0));
        assertArrayEquals(new int[] {2, 5, 8, 1}, Sampler.distributed(10, 2, 3, false, 0, false).indices(0));
        assertThrows(IllegalArgumentException.class, () -> Sampler.distributed(10, 3, 3, false, 0, false));
    }

    @Test
    void epochPlanCutsBatchesAndResumesAtAnyBatch() {
        int[] order = Sampler.shuffled(10, 1).indices(0);
        EpochPlan keep = new EpochPlan(order, 4, false);
        assertEquals(3, keep.batches());
        assertEquals(2, keep.size(2));
        assertEquals(order[9], keep.index(2, 1));
        EpochPlan drop = new EpochPlan(order, 4, true);
        assertEquals(2, drop.batches());
        assertEquals(order[0], drop.indexAt(10), "positions past the end wrap");
        assertTrue(drop.length() == 10);
    }
}
