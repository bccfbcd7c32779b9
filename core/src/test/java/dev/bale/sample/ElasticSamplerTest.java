package dev.bale.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElasticSamplerTest {
    /** 8 shards of unequal sizes, 80 records. */
    private static final int[] SHARDS = {10, 7, 13, 9, 11, 10, 8, 12};
    private static final int N = 80;

    private static int[] shardOf() {
        int[] shard = new int[N];
        for (int s = 0, i = 0; s < SHARDS.length; s++) {
            for (int k = 0; k < SHARDS[s]; k++) {
                shard[i++] = s;
            }
        }
        return shard;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8})
    void everyRecordOnceAcrossRanksWithEqualCounts(int world) {
        for (boolean dropTail : new boolean[] {false, true}) {
            int[] seen = new int[N];
            int perRank = -1;
            for (int rank = 0; rank < world; rank++) {
                int[] mine = Sampler.sharded(SHARDS, rank, world, true, 7, dropTail, 1).indices(3);
                if (perRank < 0) {
                    perRank = mine.length;
                }
                assertEquals(perRank, mine.length, "rank " + rank + " of " + world + " gets as many samples as rank 0");
                for (int i : mine) {
                    seen[i]++;
                }
            }
            int expected = dropTail ? N / world : (N + world - 1) / world;
            assertEquals(expected, perRank);
            int once = 0;
            int twice = 0;
            for (int count : seen) {
                assertTrue(count <= 2);
                once += count == 1 ? 1 : 0;
                twice += count == 2 ? 1 : 0;
            }
            if (dropTail) {
                assertEquals(world * perRank, once, "no repeats; the tail dropped is " + (N - world * perRank));
            } else {
                assertEquals(world * perRank - N, twice, "only the documented padding repeats");
                assertEquals(N - twice, once);
            }
        }
    }

    @Test
    void ranksReadWholeShardsWherePossible() {
        int[] shard = shardOf();
        for (int world : new int[] {2, 4, 8}) {
            int[] touched = new int[world];
            for (int rank = 0; rank < world; rank++) {
                Set<Integer> shards = new HashSet<>();
                for (int i : Sampler.sharded(SHARDS, rank, world, true, 1, true, 1).indices(0)) {
                    shards.add(shard[i]);
                }
                touched[rank] = shards.size();
            }
            int total = Arrays.stream(touched).sum();
            // Contiguous parts: only shards cut by a part boundary are shared, at most world - 1 of them.
            assertTrue(total <= SHARDS.length + world - 1, "world " + world + ": ranks touch " + Arrays.toString(touched));
        }
        int[] equal = {10, 10, 10, 10};
        for (int rank = 0; rank < 4; rank++) {
            Set<Integer> shards = new HashSet<>();
            for (int i : Sampler.sharded(equal, rank, 4, true, 5, false, 1).indices(2)) {
                shards.add(i / 10);
            }
            assertEquals(1, shards.size(), "equal shards, world = shards: one whole shard per rank");
        }
    }

    @Test
    void orderIsDeterministicAndNewEachEpoch() {
        ElasticSampler a = Sampler.sharded(SHARDS, 1, 3, true, 42, false, 2);
        ElasticSampler b = Sampler.sharded(SHARDS, 1, 3, true, 42, false, 2);
        assertArrayEquals(a.indices(4), b.indices(4));
        assertFalse(Arrays.equals(a.indices(4), a.indices(5)));
        assertFalse(Arrays.equals(a.globalOrder(0), Sampler.sharded(SHARDS, 1, 3, true, 43, false, 2).globalOrder(0)));
        int[] sequential = Sampler.sharded(SHARDS, 0, 1, false, 0, false, 1).indices(0);
        for (int i = 0; i < N; i++) {
            assertEquals(i, sequential[i]);
        }
    }

    /** Runs {@code world} ranks for {@code taken} samples each after {@code done}; returns what they took. */
    private static List<Integer> run(List<ElasticSampler.Segment> done, int world, int taken, int epoch, boolean drop) {
        List<Integer> seen = new ArrayList<>();
        for (int rank = 0; rank < world; rank++) {
            int[] mine = Sampler.sharded(SHARDS, rank, world, true, 9, drop, 2).indices(epoch, done);
            for (int k = 0; k < Math.min(taken, mine.length); k++) {
                seen.add(mine[k]);
            }
        }
        return seen;
    }

    @Test
    void resumesOnAnotherWorldSizeWithNothingRepeatedOrSkipped() {
        for (boolean drop : new boolean[] {true, false}) {
            // 4 ranks take 6 samples each, then 2 ranks take 10 each, then 3 ranks finish the epoch.
            List<Integer> seen = new ArrayList<>(run(List.of(), 4, 6, 1, drop));
            List<ElasticSampler.Segment> done = new ArrayList<>(List.of(new ElasticSampler.Segment(4, 6)));
            seen.addAll(run(done, 2, 10, 1, drop));
            done.add(new ElasticSampler.Segment(2, 10));
            seen.addAll(run(done, 3, Integer.MAX_VALUE, 1, drop));
            Set<Integer> distinct = new HashSet<>(seen);
            if (drop) {
                assertEquals(seen.size(), distinct.size(), "no sample repeated");
                assertTrue(N - distinct.size() <= 4 + 2 + 3, "only tails cut to equal parts are skipped: " + (N - distinct.size()));
            } else {
                assertEquals(N, distinct.size(), "no sample skipped");
                assertTrue(seen.size() - N <= 3 + 1 + 2, "only padding repeats: " + (seen.size() - N));
            }
        }
        // World sizes that divide evenly: exactly every record once.
        int[] even = {12, 12, 12, 12}; // 48 records
        List<Integer> seen = new ArrayList<>();
        for (int rank = 0; rank < 4; rank++) {
            int[] mine = Sampler.sharded(even, rank, 4, true, 3, false, 1).indices(0);
            for (int k = 0; k < 5; k++) {
                seen.add(mine[k]);
            }
        }
        for (int rank = 0; rank < 2; rank++) {
            for (int i : Sampler.sharded(even, rank, 2, true, 3, false, 1).indices(0, List.of(new ElasticSampler.Segment(4, 5)))) {
                seen.add(i);
            }
        }
        assertEquals(48, seen.size());
        assertEquals(48, new HashSet<>(seen).size());
    }
}
