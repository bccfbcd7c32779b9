package dev.bale.spark;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A dataset as a Spark table: its schema, and a scan of one partition per shard. */
final class BaleTable implements SupportsRead {
    /** class_id's metadata key for the dataset's class list, which select and filter keep: repacks keep class ids. */
    static final String CLASSES = "bale.classes";
    /** Larger class lists (text lines) are not carried in the schema: repacks rebuild them from labels. */
    static final int MAX_CARRIED_CLASSES = 65_536;

    private final DatasetLocation dataset;
    private final HadoopConf conf;
    private final StructType schema;

    BaleTable(DatasetLocation dataset, HadoopConf conf) {
        this.dataset = dataset;
        this.conf = conf;
        List<String> classes = dataset.manifest().classes();
        Metadata classMeta = classes.size() <= MAX_CARRIED_CLASSES
                ? new MetadataBuilder().putStringArray(CLASSES, classes.toArray(new String[0])).build()
                : Metadata.empty();
        this.schema = new StructType(new StructField[]{
                new StructField("index", DataTypes.LongType, false, Metadata.empty()),
                new StructField("key", DataTypes.StringType, false, Metadata.empty()),
                new StructField("label", DataTypes.StringType, false, Metadata.empty()),
                new StructField("class_id", DataTypes.IntegerType, false, classMeta),
                new StructField("bytes", DataTypes.BinaryType, false, Metadata.empty()),
                new StructField("shard", DataTypes.IntegerType, false, Metadata.empty())});
    }

    /** The class list a class_id column carries, or null. */
    static List<String> classesOf(StructField classId) {
        if (!classId.metadata().contains(CLASSES)) {
            return null;
        }
        return new ArrayList<>(List.of(classId.metadata().getStringArray(CLASSES)));
    }

    @Override
    public String name() {
        return "bale:" + dataset.json();
    }

    @Override
    public StructType schema() {
        return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
        return new BaleScan(dataset, conf, schema);
    }
}
