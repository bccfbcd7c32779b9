package dev.bale.spark;

import dev.bale.pack.PackListener;
import java.io.PrintStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The pack's progress on the driver: as each task ends, the records, bytes and shards that
 * committed tasks have counted (Spark applies a result task's accumulator updates once, whatever
 * the retries and speculative copies). Feeds a {@link PackListener} (the command line's bar) and,
 * when {@code log} is set, prints a line at most every two seconds: shards done, records/s, MB/s, ETA.
 */
final class JobProgress extends SparkListener {
    private static final long PRINT_EVERY_NANOS = 2_000_000_000L;

    private final ShardWriter.Counters counters;
    private final int records;
    private final int shards;
    private final PackListener listener;
    private final PrintStream log;
    private final long started = System.nanoTime();
    private long lastPrinted;
    private long lastShards = -1;

    JobProgress(ShardWriter.Counters counters, int records, int shards, PackListener listener, PrintStream log) {
        this.counters = counters;
        this.records = records;
        this.shards = shards;
        this.listener = listener;
        this.log = log;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        long done = counters.shards().value(); // read first: records and bytes read after include its shards

        if (done == lastShards) {
            return; // another job's task, or a failed attempt
        }
        lastShards = done;
        long recordsDone = counters.records().value();
        long bytes = counters.bytes().value();
        listener.progressed((int) Math.min(recordsDone, records), bytes);
        long now = System.nanoTime();
        if (log != null && done < shards && now - lastPrinted >= PRINT_EVERY_NANOS) { // the driver prints the last line
            lastPrinted = now;
            log.println(line(done, recordsDone, bytes, (now - started) / 1e9));
        }
    }

    String line(long done, long recordsDone, long bytes, double seconds) {
        double rate = recordsDone / Math.max(seconds, 1e-9);
        String eta = recordsDone == 0 ? "?" : String.format("%.0f s", (records - recordsDone) / Math.max(rate, 1e-9));
        return String.format("bale pack: %d/%d shards, %,d/%,d records (%.1f%%), %.1f records/s, %.1f MB/s, ETA %s",
                done, shards, recordsDone, records, 100.0 * recordsDone / Math.max(records, 1), rate,
                bytes / 1e6 / Math.max(seconds, 1e-9), eta);
    }
}
