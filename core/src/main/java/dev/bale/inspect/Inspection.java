package dev.bale.inspect;

import com.google.gson.GsonBuilder;
import dev.bale.container.Container;
import dev.bale.container.foreign.ForeignContainer;
import dev.bale.container.tfrecord.FeatureSchema;
import dev.bale.container.tfrecord.TfRecordContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code bale inspect} reports about a container.
 *
 * @param path        the container
 * @param layout      its layout id
 * @param records     record count
 * @param classes     per class (in id order): id, name, record count
 * @param dataBytes   encoded image bytes held (the packed files' total size)
 * @param bytesOnDisk every file of the container
 * @param features    TFRecord only: per feature name, kind, records, values per record, bytes
 * @param foreign     a dataset another tool wrote: what kind, and why; else null
 * @param metadataChecksummed whether checksums recorded at pack time cover the container's metadata
 * @param text        text-labelled containers (OCR): charset, label lengths, image sizes; else null
 */
public record Inspection(String path, String layout, int records, List<ClassCount> classes, long dataBytes,
                         long bytesOnDisk, Map<String, Feature> features, Foreign foreign, boolean metadataChecksummed,
                         TextStats text) {

    /** A dataset another tool wrote: what kind, why, and what its records look like. */
    public record Foreign(String kind, String evidence, boolean checksums, String labels, List<String> exampleKeys,
                          List<String> formats, List<String> badRecords) {
    }

    public record ClassCount(int id, String name, int records) {
    }

    public record Feature(String kind, int records, long minValues, long maxValues, long bytes) {
    }

    public static Inspection of(Container container) {
        int[] ids = container.classIds();
        int classCount = container.manifest().classes().size();
        for (int id : ids) {
            classCount = Math.max(classCount, id + 1);
        }
        int[] counts = new int[classCount];
        for (int id : ids) {
            if (id >= 0) {
                counts[id]++;
            }
        }
        List<ClassCount> classes = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0 || c < container.manifest().classes().size()) {
                classes.add(new ClassCount(c, container.manifest().label(c), counts[c]));
            }
        }
        Map<String, Feature> features = null;
        if (container instanceof TfRecordContainer tfrecord) {
            features = new LinkedHashMap<>();
            for (Map.Entry<String, FeatureSchema.Stats> e : tfrecord.schema().features().entrySet()) {
                FeatureSchema.Stats s = e.getValue();
                features.put(e.getKey(), new Feature(s.kind(), s.records(), s.minValues(), s.maxValues(), s.bytes()));
            }
        }
        Foreign foreign = null;
        if (container instanceof ForeignContainer f) {
            foreign = new Foreign(f.kind().id(), f.evidence(), f.checksummed(), f.labelKind(), f.exampleKeys(), f.formats(),
                    f.badRecords());
        }
        return new Inspection(container.path().toString(), foreign != null ? foreign.kind() : container.layout().id(),
                container.size(), classes, container.manifest().sourceBytes(), container.bytesOnDisk(), features, foreign,
                container.metadataChecksummed(), TextStats.textLabelled(container) ? TextStats.of(container) : null);
    }

    /** Container bytes over data bytes: 1.00 means the container adds nothing. */
    public double sizeRatio() {
        return dataBytes == 0 ? 0 : (double) bytesOnDisk / dataBytes;
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("path", path);
        json.put("layout", layout);
        json.put("records", records);
        json.put("dataBytes", dataBytes);
        json.put("bytesOnDisk", bytesOnDisk);
        json.put("sizeRatio", Math.round(sizeRatio() * 10000) / 10000.0);
        json.put("metadataChecksummed", metadataChecksummed);
        json.put("classes", classes);
        if (text != null) {
            json.put("text", text.toMap());
        }
        if (features != null) {
            json.put("features", features);
        }
        if (foreign != null) {
            json.put("foreign", foreign);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-13s %s%n", "container", path));
        out.append(String.format("%-13s %s%n", "layout", layout));
        out.append(String.format("%-13s %,d%n", "records", records));
        if (foreign != null) {
            out.append(String.format("%-13s %s%n", "detected", foreign.kind() + ": " + foreign.evidence()));
            out.append(String.format("%-13s %s%n", "checksums", foreign.checksums() ? "yes"
                    : "none: records are unchecksummed (offsets and lengths were checked against the files)"));
            out.append(String.format("%-13s %s%n", "labels", foreign.labels()));
            out.append(String.format("%-13s %s%n", "example keys", String.join(", ", foreign.exampleKeys())));
            out.append(String.format("%-13s %s%n", "images", String.join(", ", foreign.formats())));
            if (!foreign.badRecords().isEmpty()) {
                out.append(String.format("%-13s %d found while opening%s%n", "bad records", foreign.badRecords().size(),
                        foreign.badRecords().size() == 20 ? " (first 20)" : ""));
                foreign.badRecords().forEach(bad -> out.append("  ").append(bad).append('\n'));
            }
        }
        out.append(String.format("%-13s %,d bytes (%s)%n", "data", dataBytes,
                foreign != null ? "image bytes as stored" : "encoded images"));
        out.append(String.format("%-13s %,d bytes%n", "on disk", bytesOnDisk));
        out.append(String.format("%-13s %.4f (on disk / data)%n", "size ratio", sizeRatio()));
        out.append(String.format("%-13s %s%n", "metadata", metadataChecksummed
                ? "checksummed (CRC-32C, recorded at pack time)" : "unchecksummed"));
        out.append(String.format("%-13s %d%n", "classes", classes.size()));
        int shown = 0;
        for (ClassCount c : classes) {
            if (shown++ == 50) {
                out.append(String.format("  ... %d more (--json lists all)%n", classes.size() - 50));
                break;
            }
            out.append(String.format("  %5d  %-30s %,d%n", c.id(), c.name(), c.records()));
        }
        if (features != null) {
            out.append("features (tf.train.Example)\n");
            out.append(String.format("  %-24s %-6s %9s %13s %15s%n", "name", "kind", "records", "values/record", "bytes"));
            features.forEach((name, f) -> out.append(String.format("  %-24s %-6s %,9d %13s %,15d%n", name, f.kind(),
                    f.records(), f.minValues() == f.maxValues() ? Long.toString(f.minValues())
                            : f.minValues() + ".." + f.maxValues(), f.bytes())));
        }
        if (text != null) {
            out.append(text.toText());
        }
        return out.toString();
    }
}
