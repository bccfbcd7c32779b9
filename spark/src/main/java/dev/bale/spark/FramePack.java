package dev.bale.spark;

import dev.bale.dataset.ShardPlan;
import dev.bale.source.Labels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A DataFrame as a pack input (select → repack): rows are ranked (by {@code index} when present,
 * else in the DataFrame's order), the plan is made over the ranks as for any input, and each row is
 * shuffled to its shard's partition, sorted by rank, and packed there with the same task body as a
 * file source.
 */
final class FramePack {
    private final JavaPairRDD<Long, FrameRecord> ranked;
    private final List<String> classes;
    private final ShardPlan plan;

    private FramePack(JavaPairRDD<Long, FrameRecord> ranked, List<String> classes, ShardPlan plan) {
        this.ranked = ranked;
        this.classes = classes;
        this.plan = plan;
    }

    static FramePack plan(Dataset<Row> records, int shards, long shardBytes) {
        StructType schema = records.schema();
        require(schema, "key", true);
        require(schema, "bytes", true);
        boolean hasLabel = require(schema, "label", false);
        boolean hasClassId = require(schema, "class_id", false);
        if (!hasLabel && !hasClassId) {
            throw new IllegalArgumentException("the DataFrame needs a label (string) or class_id (int) column; it has "
                    + Arrays.toString(schema.fieldNames()));
        }
        List<String> carried = hasClassId ? BaleTable.classesOf(schema.apply("class_id")) : null;
        List<String> classes;
        Map<String, Integer> ids;
        if (carried != null) {
            classes = carried;
            ids = null;
        } else if (hasLabel) {
            List<String> distinct = new ArrayList<>();
            for (Row row : records.select("label").distinct().collectAsList()) {
                if (!row.isNullAt(0)) {
                    distinct.add(row.getString(0));
                }
            }
            if (distinct.isEmpty()) {
                throw new IllegalArgumentException("the DataFrame has no records (or no labels)");
            }
            classes = Labels.of(distinct, false).classes();
            ids = new HashMap<>();
            for (int c = 0; c < classes.size(); c++) {
                ids.put(classes.get(c), c);
            }
        } else {
            Row max = records.agg(org.apache.spark.sql.functions.max("class_id")).first();
            int top = max.isNullAt(0) ? -1 : max.getInt(0);
            classes = new ArrayList<>();
            for (int c = 0; c <= top; c++) {
                classes.add(Integer.toString(c));
            }
            ids = null;
        }
        boolean byLabel = ids != null;
        Dataset<Row> ordered = Arrays.asList(schema.fieldNames()).contains("index")
                ? records.sort("index") : records;
        Dataset<Row> columns = ordered.select(new Column("key"), new Column("bytes"),
                byLabel ? new Column("label") : new Column("class_id"));
        int classCount = classes.size();
        JavaRDD<FrameRecord> rows = columns.javaRDD().map(row -> {
            String key = row.isNullAt(0) ? null : row.getString(0);
            byte[] bytes = row.isNullAt(1) ? null : (byte[]) row.get(1);
            if (row.isNullAt(2)) {
                return FrameRecord.bad(key, byLabel ? "no label" : "no class_id");
            }
            int id;
            if (byLabel) {
                id = ids.get(row.getString(2));
            } else {
                id = row.getInt(2);
                if (id < 0 || id >= classCount) {
                    return FrameRecord.bad(key, "class_id " + id + " is not a class of the " + classCount);
                }
            }
            return FrameRecord.of(key, id, bytes);
        });
        JavaPairRDD<Long, FrameRecord> ranked = rows.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
        ranked.persist(StorageLevel.MEMORY_AND_DISK_SER());
        long[] lengths = ranked.map(t -> (long) t._2().length()).collect().stream().mapToLong(Long::longValue).toArray();
        if (lengths.length == 0) {
            ranked.unpersist(false);
            throw new IllegalArgumentException("the DataFrame has no records");
        }
        ShardPlan plan = shardBytes > 0 ? ShardPlan.ofSize(lengths, shardBytes) : ShardPlan.ofShards(lengths.length, shards);
        return new FramePack(ranked, List.copyOf(classes), plan);
    }

    private static boolean require(StructType schema, String name, boolean required) {
        for (StructField field : schema.fields()) {
            if (field.name().equals(name)) {
                var expected = switch (name) {
                    case "bytes" -> DataTypes.BinaryType;
                    case "class_id" -> DataTypes.IntegerType;
                    default -> DataTypes.StringType;
                };
                if (!field.dataType().equals(expected)) {
                    throw new IllegalArgumentException("column " + name + " must be " + expected.simpleString()
                            + ", not " + field.dataType().simpleString());
                }
                return true;
            }
        }
        if (required) {
            throw new IllegalArgumentException("the DataFrame has no " + name + " column; it has "
                    + Arrays.toString(schema.fieldNames()));
        }
        return false;
    }

    List<String> classes() {
        return classes;
    }

    ShardPlan plan() {
        return plan;
    }

    JavaRDD<ShardOutcome> job(JobSettings settings, String output, HadoopConf conf, ShardWriter.Counters counters) {
        ShardPlan plan = this.plan;
        List<String> classes = this.classes;
        Comparator<Long> byRank = (Comparator<Long> & Serializable) Long::compare;
        return ranked.repartitionAndSortWithinPartitions(new ShardPartitioner(plan), byRank)
                .mapPartitionsWithIndex((shard, records) -> {
                    try (SpooledInput input = SpooledInput.spool(records, plan.records(), plan.from(shard), classes)) {
                        return List.of(ShardWriter.write(input, plan, shard, settings, output, conf, counters)).iterator();
                    }
                }, false);
    }

    void release() {
        ranked.unpersist(false);
    }

    /** Rank → the shard whose range holds it. */
    private static final class ShardPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final ShardPlan plan;

        ShardPartitioner(ShardPlan plan) {
            this.plan = plan;
        }

        @Override
        public int numPartitions() {
            return plan.shards();
        }

        @Override
        public int getPartition(Object key) {
            long rank = (Long) key;
            int lo = 0;
            int hi = plan.shards() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (plan.from(mid) <= rank) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ShardPartitioner p && p.plan == plan;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(plan);
        }
    }
}
