package dev.bale.loader;

import dev.bale.dataset.ShardedContainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fetches the shards of a remote dataset that the next samples need, before the workers reach
 * them: walks the epoch's order from where the workers are and keeps up to {@code ahead} shards
 * beyond the current one requested (fetched in parallel by the dataset), while workers decode.
 * Once the workers have taken the epoch's last sample of a shard, the shard is retired (closed and
 * unpinned when its readers let go), so that one process stays within the cache limit however
 * large the dataset: only the shards in use and those read ahead are held.
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

    private int index(long position) {
        return job.plan.index((int) (position / job.plan.batchSize()), (int) (position % job.plan.batchSize()));
    }

    @Override
    public void run() {
        // Each shard with the positions where the epoch first and last needs it, in order of first need.
        List<long[]> needs = new ArrayList<>();
        long[] last = new long[dataset.shardCount()];
        Arrays.fill(last, -1);
        // From the epoch's first position: the workers may have taken some before this thread ran.
        for (long p = (long) job.firstBatch * job.plan.batchSize(); p < job.end; p++) {
            int s = dataset.shardOf(index(p));
            if (last[s] < 0) {
                needs.add(new long[] {s, p});
            }
            last[s] = p;
        }
        long nextRecord = (long) job.firstBatch * job.plan.batchSize(); // ranged reads: the next record to request
        int next = 0;
        int retired = 0; // needs[0, retired) are retired (in order of first need; retiring goes by last need)
        boolean[] done = new boolean[dataset.shardCount()];
        while ((retired < needs.size() || dataset.rangeReads() && nextRecord < job.end) && !job.stopped()) {
            long position = job.cursor.get();
            if (dataset.rangeReads()) {
                // --no-cache: keep the records the workers take next requested, their latencies overlapping.
                nextRecord = Math.max(nextRecord, position);
                long until = Math.min(job.end, position + dataset.recordsInFlight());
                for (; nextRecord < until; nextRecord++) {
                    dataset.prefetchRecord(index(nextRecord));
                }
            }
            for (int k = retired; k < next; k++) {
                int s = (int) needs.get(k)[0];
                if (!done[s] && last[s] < position) {
                    done[s] = true; // every sample of it is taken: the workers let go of it after their current one
                    dataset.retire(s);
                }
            }
            while (retired < next && done[(int) needs.get(retired)[0]]) {
                retired++;
            }
            int requestedAhead = 0;
            for (int k = 0; k < next; k++) {
                if (needs.get(k)[1] > position) {
                    requestedAhead++;
                }
            }
            if (next < needs.size() && (requestedAhead < ahead || needs.get(next)[1] <= position)) {
                dataset.prefetch((int) needs.get(next)[0]);
                next++;
            } else if (position >= job.end && retired >= needs.size()) {
                return; // epoch done; the next one's read-ahead retires what it does not need
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
