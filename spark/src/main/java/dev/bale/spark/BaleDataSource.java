package dev.bale.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("bale").load(".../dataset.json")}: a sharded Bale dataset as a DataFrame
 * {@code (index long, key string, label string, class_id int, bytes binary, shard int)}, one input
 * partition per shard, every record read (and checksum-verified) by Bale's own readers.
 */
public final class BaleDataSource implements TableProvider, DataSourceRegister {

    @Override
    public String shortName() {
        return "bale";
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        return table(options).schema();
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        return table(new CaseInsensitiveStringMap(properties));
    }

    private static BaleTable table(CaseInsensitiveStringMap options) {
        String path = options.get("path");
        if (path == null) {
            throw new IllegalArgumentException("format(\"bale\") needs a path: load(\".../dataset.json\") or the dataset's folder");
        }
        HadoopConf conf = new HadoopConf(SparkSession.active().sessionState().newHadoopConf());
        try {
            return new BaleTable(DatasetLocation.read(path, conf), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
