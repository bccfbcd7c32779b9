package dev.bale.spark;

import org.apache.spark.sql.connector.read.InputPartition;

/** One shard of a dataset: where its dataset.json is, which shard, and its first global record index. */
record ShardPartition(String json, int shard, long start) implements InputPartition {
}
