package dev.bale.spark;

import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The rows of one shard, in record order, read by Bale's reader of its layout: a damaged record
 * fails the task with Bale's error naming it, never comes back as a row.
 */
final class ShardRows implements PartitionReader<InternalRow> {
    private final ShardPartition partition;
    private final ShardOpener.Opened opened;
    private final RecordReader reader;
    private final List<String> classes;
    private final int size;
    private int next = -1;
    private InternalRow row;

    private ShardRows(ShardPartition partition, HadoopConf conf) throws IOException {
        this.partition = partition;
        DatasetLocation dataset = DatasetLocation.read(partition.json(), conf);
        this.opened = ShardOpener.open(dataset, partition.shard(), conf);
        this.reader = opened.container().newReader();
        this.classes = dataset.manifest().classes();
        this.size = opened.container().size();
    }

    @Override
    public boolean next() {
        if (++next >= size) {
            return false;
        }
        ByteBuffer buffer = reader.read(next);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        int classId = opened.container().classIds()[next];
        String name = Manifest.className(classes, classId);
        String label = name.isEmpty() ? Integer.toString(classId) : name; // as Manifest.label says it
        row = new GenericInternalRow(new Object[]{partition.start() + next, UTF8String.fromString(reader.key(next)),
                UTF8String.fromString(label), classId, bytes, partition.shard()});
        return true;
    }

    @Override
    public InternalRow get() {
        return row;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            opened.close();
        }
    }

    /** Opens a shard on the executor that reads it. */
    static final class Factory implements PartitionReaderFactory {
        private static final long serialVersionUID = 1L;
        private final HadoopConf conf;

        Factory(HadoopConf conf) {
            this.conf = conf;
        }

        @Override
        public PartitionReader<InternalRow> createReader(InputPartition partition) {
            try {
                return new ShardRows((ShardPartition) partition, conf);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
