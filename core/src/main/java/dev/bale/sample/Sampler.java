package dev.bale.sample;

/**
 * The order in which an epoch visits a dataset's records, as PyTorch's {@code Sampler}: a sampler
 * knows indices, never records. The same sampler, seed and epoch give the same order, wherever
 * and by however many threads it is consumed.
 */
public interface Sampler {

    /** Record indices for {@code epoch}, in visiting order. */
    int[] indices(int epoch);

    /** 0, 1, ..., n-1 every epoch. */
    static Sampler sequential(int size) {
        return epoch -> Permutations.identity(size);
    }

    /** A new permutation every epoch, drawn from {@code seed} and the epoch number. */
    static Sampler shuffled(int size, long seed) {
        return epoch -> Permutations.shuffled(size, seed, epoch);
    }

    /**
     * One rank's share, as PyTorch's {@code DistributedSampler}: the (optionally shuffled, with the
     * same seed on every rank) order is padded by repeating its head until it divides evenly, or
     * with {@code dropTail} cut to a multiple of {@code worldSize}; rank r takes every
     * {@code worldSize}-th index from position r. Ranks are disjoint except for the padding, and
     * all ranks get the same number of indices.
     */
    static Sampler distributed(int size, int rank, int worldSize, boolean shuffle, long seed, boolean dropTail) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + worldSize + ")");
        }
        return epoch -> {
            int[] order = shuffle ? Permutations.shuffled(size, seed, epoch) : Permutations.identity(size);
            int perRank = dropTail ? size / worldSize : (size + worldSize - 1) / worldSize;
            int[] mine = new int[perRank];
            for (int k = 0; k < perRank && size > 0; k++) {
                mine[k] = order[(rank + k * worldSize) % size];
            }
            return mine;
        };
    }

    /**
     * One rank's share of a sharded dataset (records per shard, in order): whole shards per rank
     * where possible, equal counts on every rank, and epochs that resume on another world size.
     * See {@link ElasticSampler}.
     */
    static ElasticSampler sharded(int[] shardRecords, int rank, int worldSize, boolean shuffle, long seed,
                                  boolean dropTail, int shuffleShards) {
        return new ElasticSampler(shardRecords, rank, worldSize, shuffle, seed, dropTail, shuffleShards);
    }
}
