package dev.bale.spark;

import dev.bale.dataset.ShardPlan;
import dev.bale.pack.PackInput;
import dev.bale.pack.PackListener;
import dev.bale.pack.ShardedPacker;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The body of one task: packs shard {@code shard} of the plan with {@link ShardedPacker#writeShard}
 * in local temp space (the same code and bytes as a one-machine pack), then commits it into the
 * output folder ({@link ShardCommitter}). Safe to run any number of times, concurrently too.
 */
final class ShardWriter {
    private ShardWriter() {
    }

    /** Counters the driver's progress reads as tasks finish; null outside a job. */
    record Counters(LongAccumulator records, LongAccumulator bytes, LongAccumulator shards) implements java.io.Serializable {
    }

    static ShardOutcome write(PackInput input, ShardPlan plan, int shard, JobSettings settings, String output,
                              HadoopConf conf, Counters counters) throws IOException {
        java.nio.file.Path local = Files.createTempDirectory(scratch(), "bale-shard-" + shard + "-");
        try {
            ShardedPacker.ShardResult result = ShardedPacker.writeShard(input, plan, shard, settings.options(), local,
                    PackListener.NONE);
            Path out = new Path(output);
            ShardCommitter.commit(local, result.entry(), shard, out, conf.fileSystem(out), attempt());
            FailureInjection.reached(shard, "committed");
            if (counters != null) {
                counters.records().add(plan.to(shard) - plan.from(shard));
                counters.bytes().add(result.inputBytes());
                counters.shards().add(1);
            }
            return new ShardOutcome(shard, result);
        } finally {
            deleteTree(local);
        }
    }

    /**
     * Where a task writes its shard before the upload: the application's folder in Spark's local dirs
     * (spark.local.dir, the executor's scratch disks, removed with the application); outside a task,
     * java.io.tmpdir.
     */
    static java.nio.file.Path scratch() {
        return TaskContext.get() == null ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))
                : java.nio.file.Path.of(SparkFiles.getRootDirectory());
    }

    private static String attempt() {
        TaskContext task = TaskContext.get();
        return task == null ? "driver" : "attempt-" + task.stageId() + "-" + task.partitionId() + "-" + task.attemptNumber();
    }

    static void deleteTree(java.nio.file.Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
            for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
