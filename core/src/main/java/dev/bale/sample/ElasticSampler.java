package dev.bale.sample;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One rank's share of a sharded dataset, that can resume an epoch on another number of ranks.
 *
 * <p>Every epoch has one global order, the same on every rank and for every world size: the
 * shards in a new permutation from (seed, epoch), each shard's records in place, then the records
 * shuffled within windows of {@code shuffleShards} consecutive shards of that permutation. The
 * order is cut into {@code world} contiguous, equal parts, rank r taking part r: a rank reads whole
 * shards except where a part boundary (or a window, when {@code shuffleShards > 1}) crosses one, so
 * each rank fetches about 1/world of the data. Parts are made equal as PyTorch does: padded by
 * repeating the order's head, or with {@code dropTail} cut down to a multiple of {@code world}.
 *
 * <p>Resuming (MosaicML Streaming's idea, done with contiguous parts): after every rank has taken
 * j samples of its part, the samples not yet seen are the rest of every part, in rank order. That
 * remainder is the order a resumed epoch cuts into parts for the new world size, so across any
 * chain of world sizes no sample of the epoch is repeated or skipped (beyond the padding).
 * A {@link Segment} records each stretch: the world size it ran with and the samples per rank.
 *
 * <p>Window size: one shard gives the weakest mixing (records of one shard stay together for a
 * shard's length) and needs one shard open per rank at a time; more shards mix better but must be
 * fetched (cached) together, and spread a rank's part over more shards.
 */
public final class ElasticSampler implements Sampler {
    private final int[] shardRecords;
    private final long[] starts;
    private final int rank;
    private final int world;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropTail;
    private final int shuffleShards;

    /** A stretch of an epoch already run: its world size and the samples each rank took. */
    public record Segment(int world, long samplesPerRank) {
        public Segment {
            if (world < 1 || samplesPerRank < 0) {
                throw new IllegalArgumentException("bad segment: world " + world + ", " + samplesPerRank + " samples per rank");
            }
        }
    }

    public ElasticSampler(int[] shardRecords, int rank, int world, boolean shuffle, long seed, boolean dropTail,
                          int shuffleShards) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + world + ")");
        }
        if (shuffleShards < 1) {
            throw new IllegalArgumentException("shuffleShards must be at least 1");
        }
        this.shardRecords = shardRecords.clone();
        this.starts = new long[shardRecords.length + 1];
        for (int s = 0; s < shardRecords.length; s++) {
            starts[s + 1] = starts[s] + shardRecords[s];
        }
        if (starts[shardRecords.length] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 records");
        }
        this.rank = rank;
        this.world = world;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropTail = dropTail;
        this.shuffleShards = shuffleShards;
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    public long seed() {
        return seed;
    }

    /** The epoch's order over all ranks, before it is cut into parts. */
    public int[] globalOrder(int epoch) {
        int shards = shardRecords.length;
        int[] shardOrder = shuffle ? Permutations.shuffled(shards, seed, epoch) : Permutations.identity(shards);
        int[] order = new int[(int) starts[shards]];
        int position = 0;
        for (int w = 0; w < shards; w += shuffleShards) {
            int windowStart = position;
            for (int k = w; k < Math.min(shards, w + shuffleShards); k++) {
                int s = shardOrder[k];
                for (int i = 0; i < shardRecords[s]; i++) {
                    order[position++] = (int) starts[s] + i;
                }
            }
            if (shuffle) {
                SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, -2L - w));
                for (int i = position - 1; i > windowStart; i--) {
                    int j = windowStart + random.nextInt(i - windowStart + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
        }
        return order;
    }

    @Override
    public int[] indices(int epoch) {
        return indices(epoch, List.of());
    }

    /** This rank's indices for the rest of {@code epoch}, after the stretches {@code done} ran. */
    public int[] indices(int epoch, List<Segment> done) {
        int[] sequence = globalOrder(epoch);
        for (Segment segment : done) {
            sequence = remainder(equalParts(sequence, segment.world()), segment.world(), segment.samplesPerRank());
        }
        sequence = equalParts(sequence, world);
        int part = sequence.length / world;
        return Arrays.copyOfRange(sequence, rank * part, (rank + 1) * part);
    }

    /** The sequence padded (repeating its head) or cut to a multiple of {@code parts}. */
    private int[] equalParts(int[] sequence, int parts) {
        int n = sequence.length;
        int part = dropTail ? n / parts : (n + parts - 1) / parts;
        int[] equal = new int[n == 0 ? 0 : part * parts];
        for (int i = 0; i < equal.length; i++) {
            equal[i] = sequence[i % n];
        }
        return equal;
    }

    /** What no rank has seen after each of {@code parts} ranks took {@code taken} of its part. */
    private static int[] remainder(int[] sequence, int parts, long taken) {
        int part = sequence.length / parts;
        int skip = (int) Math.min(taken, part);
        int[] rest = new int[(part - skip) * parts];
        for (int r = 0; r < parts; r++) {
            System.arraycopy(sequence, r * part + skip, rest, r * (part - skip), part - skip);
        }
        return rest;
    }
}
