package dev.bale.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/**
 * A scan of a dataset: one input partition per shard, less the shards that filters on {@code shard}
 * or {@code index} rule out ({@link ShardFilter}). Every filter is still applied to the rows by Spark.
 */
final class BaleScan implements ScanBuilder, SupportsPushDownFilters, Scan, Batch {
    private final DatasetLocation dataset;
    private final HadoopConf conf;
    private final StructType schema;
    private Filter[] pushed = new Filter[0];

    BaleScan(DatasetLocation dataset, HadoopConf conf, StructType schema) {
        this.dataset = dataset;
        this.conf = conf;
        this.schema = schema;
    }

    @Override
    public Filter[] pushFilters(Filter[] filters) {
        List<Filter> pruning = new ArrayList<>();
        for (Filter filter : filters) {
            for (String ref : filter.references()) {
                if (ref.equals("shard") || ref.equals("index")) {
                    pruning.add(filter);
                    break;
                }
            }
        }
        pushed = pruning.toArray(new Filter[0]);
        return filters; // pruning is by shard only: Spark filters the rows
    }

    @Override
    public Filter[] pushedFilters() {
        return pushed;
    }

    @Override
    public Scan build() {
        return this;
    }

    @Override
    public StructType readSchema() {
        return schema;
    }

    @Override
    public String description() {
        return "bale " + dataset.json() + " (" + dataset.manifest().layout() + ", "
                + dataset.manifest().shards().size() + " shards, " + dataset.manifest().records() + " records)";
    }

    @Override
    public Batch toBatch() {
        return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
        List<InputPartition> partitions = new ArrayList<>();
        long start = 0;
        for (int s = 0; s < dataset.manifest().shards().size(); s++) {
            long end = start + dataset.manifest().shards().get(s).records();
            boolean wanted = true;
            for (Filter filter : pushed) {
                wanted &= ShardFilter.mayMatch(filter, s, start, end);
            }
            if (wanted) {
                partitions.add(new ShardPartition(dataset.json().toString(), s, start));
            }
            start = end;
        }
        return partitions.toArray(new InputPartition[0]);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new ShardRows.Factory(conf);
    }
}
