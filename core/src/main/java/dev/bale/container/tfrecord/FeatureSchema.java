package dev.bale.container.tfrecord;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/** What features the Examples of a TFRecord hold: per name, its kind, how often, how many values, how many bytes. */
public final class FeatureSchema {

    /** One feature's statistics over all records. */
    public static final class Stats {
        private String kind = "empty";
        private int records;
        private long minValues = Long.MAX_VALUE;
        private long maxValues;
        private long bytes;

        public String kind() {
            return kind;
        }

        public int records() {
            return records;
        }

        public long minValues() {
            return records == 0 ? 0 : minValues;
        }

        public long maxValues() {
            return maxValues;
        }

        /** Total bytes of a bytes feature's values; 0 for numeric kinds. */
        public long bytes() {
            return bytes;
        }
    }

    private final Map<String, Stats> features = new TreeMap<>();
    private int records;

    void add(ByteBuffer serialized) throws IOException {
        Example example;
        try {
            example = Example.parseFrom(serialized.duplicate());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(e.getMessage(), e);
        }
        records++;
        for (Map.Entry<String, Feature> entry : example.getFeatures().getFeatureMap().entrySet()) {
            Stats stats = features.computeIfAbsent(entry.getKey(), k -> new Stats());
            Feature feature = entry.getValue();
            long values;
            switch (feature.getKindCase()) {
                case BYTES_LIST -> {
                    stats.kind = "bytes";
                    values = feature.getBytesList().getValueCount();
                    feature.getBytesList().getValueList().forEach(v -> stats.bytes += v.size());
                }
                case FLOAT_LIST -> {
                    stats.kind = "float";
                    values = feature.getFloatList().getValueCount();
                }
                case INT64_LIST -> {
                    stats.kind = "int64";
                    values = feature.getInt64List().getValueCount();
                }
                default -> values = 0;
            }
            stats.records++;
            stats.minValues = Math.min(stats.minValues, values);
            stats.maxValues = Math.max(stats.maxValues, values);
        }
    }

    /** Feature name → statistics, sorted by name. */
    public Map<String, Stats> features() {
        return java.util.Collections.unmodifiableMap(features);
    }

    public int records() {
        return records;
    }
}
