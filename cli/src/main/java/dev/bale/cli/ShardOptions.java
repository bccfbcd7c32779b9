package dev.bale.cli;

import dev.bale.dataset.ShardPlan;
import dev.bale.pack.PackInput;
import dev.bale.pack.ShardedPacker;
import java.io.IOException;

/** {@code --shards N} / {@code --shard-size SIZE}, shared by pack and convert. */
final class ShardOptions {
    private ShardOptions() {
    }

    static boolean sharded(Integer shards, String shardSize) {
        if (shards != null && shardSize != null) {
            throw new IllegalArgumentException("give --shards or --shard-size, not both");
        }
        if (shards != null && shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1");
        }
        return shards != null || shardSize != null;
    }

    static ShardPlan plan(PackInput input, Integer shards, String shardSize) throws IOException {
        return shards != null ? ShardedPacker.plan(input, shards, 0)
                : ShardedPacker.plan(input, 0, ShardPlan.parseSize(shardSize));
    }
}
