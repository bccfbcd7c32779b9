package dev.bale.loader;

import dev.bale.dataset.ShardedContainer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches the shards of a remote dataset that the next samples need, before the workers reach
 * them: walks the epoch's order from where the workers are and keeps up to {@code ahead} shards
 * beyond the current one requested (fetched in parallel by the dataset), while workers decode.
 */
final class ShardReadAhead implements Runnable {
    private final ShardedContainer dataset;
    private final Job job;
    private final int ahead;

    ShardReadAhead(ShardedContainer dataset, Job job, int ahead) {
        this.dataset = dataset;
        this.job = job;
        this.ahead = ahead;
    }

    static void start(ShardedContainer dataset, Job job, int ahead) {
        Thread thread = new Thread(new ShardReadAhead(dataset, job, ahead), "bale-shard-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        // Each shard at the position where the epoch first needs it, in order.
        List<long[]> needs = new ArrayList<>();
        boolean[] listed = new boolean[dataset.shardCount()];
        for (long p = job.cursor.get(); p < job.end; p++) {
            int s = dataset.shardOf(job.plan.index((int) (p / job.plan.batchSize()), (int) (p % job.plan.batchSize())));
            if (!listed[s]) {
                listed[s] = true;
                needs.add(new long[] {s, p});
            }
        }
        int next = 0;
        while (next < needs.size() && !job.stopped()) {
            long position = job.cursor.get();
            int requestedAhead = 0;
            for (int k = 0; k < next; k++) {
                if (needs.get(k)[1] > position) {
                    requestedAhead++;
                }
            }
            if (requestedAhead < ahead || needs.get(next)[1] <= position) {
                dataset.prefetch((int) needs.get(next)[0]);
                next++;
            } else {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
