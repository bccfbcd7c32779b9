package dev.bale.container.tfrecord;

import dev.bale.container.Check;
import dev.bale.container.ClassIds;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Handles;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.MappedFile;
import dev.bale.container.MetaFiles;
import dev.bale.container.RecordReader;
import dev.bale.container.Seal;
import dev.bale.container.Sealed;
import dev.bale.container.UnchecksummedContainerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TFRecord file of {@code tf.train.Example}s, Bale's or anyone's. Random access comes from
 * the {@code .idx} sidecar when present, else from one scan of the file at open. Every read checks
 * both CRCs; the image bytes come back as a slice of the memory map, valid while the container is
 * open.
 */
public final class TfRecordContainer implements Container {
    private final Path path;
    private final MappedFile file;
    private final TfRecordIndex index;
    private final Manifest manifest;
    private final String imageFeature;
    private final String labelFeature;
    private final String pathFeature;
    private volatile int[] classIds;
    /** Bale's manifest with its checks; null for a TFRecord written elsewhere. */
    private final Sealed sealed;
    private final Handles handles;

    /** Manifest checks: the TFRecord file's length, and its {@code .idx} sidecar. */
    static final String RECORDS_PART = "tfrecord";
    static final String INDEX_PART = "idx";
    /**
     * A TFRecord written elsewhere gets one class per label value up to the largest: a damaged or
     * hostile label near 2^31 must not allocate a class table that size. Raise with
     * {@code -Dbale.maxClasses=N}.
     */
    static final int MAX_FOREIGN_CLASSES = Integer.getInteger("bale.maxClasses", 1 << 20);

    private TfRecordContainer(Path path, MappedFile file, TfRecordIndex index, Manifest manifest, Sealed sealed,
                              String imageFeature, String labelFeature, String pathFeature, int[] classIds) {
        this.path = path;
        this.sealed = sealed;
        this.handles = new Handles(path, () -> { });
        this.file = file;
        this.index = index;
        this.manifest = manifest;
        this.imageFeature = imageFeature;
        this.labelFeature = labelFeature;
        this.pathFeature = pathFeature;
        this.classIds = classIds;
    }

    static Path indexPath(Path file) {
        return Layout.TFRECORD.files(file).get(0);
    }

    static Path manifestPath(Path file) {
        return Layout.TFRECORD.files(file).get(1);
    }

    public static TfRecordContainer open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens; with {@code acceptUnchecksummed} also a Bale TFRecord written before metadata
     * checksums. A TFRecord with no {@code .bale.json} is foreign data: opened, its labels read
     * from the records (which carry CRCs), and {@link #metadataChecksummed} says false.
     */
    public static TfRecordContainer open(Path path, boolean acceptUnchecksummed) throws IOException {
        Path manifestFile = manifestPath(path);
        Sealed sealed = null;
        if (Files.exists(manifestFile)) {
            sealed = Seal.read(MetaFiles.read(manifestFile), manifestFile);
            UnchecksummedContainerException.check(sealed, acceptUnchecksummed, path);
            sealed.verifyBytes(RECORDS_PART, Files.size(path), path);
        }
        Path idx = indexPath(path);
        TfRecordIndex index;
        if (Files.exists(idx)) {
            byte[] bytes = MetaFiles.read(idx);
            if (sealed != null) {
                sealed.verify(INDEX_PART, Check.of(bytes), idx);
            }
            index = TfRecordIndex.read(bytes, idx, path);
        } else {
            // Every record's framing carries CRCs: a scan finds them as reliably as the index would.
            index = TfRecordIndex.scan(path);
        }
        MappedFile file = MappedFile.map(path, index.longest());
        String imageFeature = FeatureNames.IMAGE.get(0);
        String labelFeature = FeatureNames.LABEL.get(0);
        String pathFeature = FeatureNames.PATH.get(0);
        if (index.count() > 0) {
            ByteBuffer first = example(path, file, index, 0);
            imageFeature = present(first, FeatureNames.IMAGE, true);
            labelFeature = present(first, FeatureNames.LABEL, false);
            pathFeature = present(first, FeatureNames.PATH, true);
        }
        if (sealed != null) {
            Manifest manifest = sealed.manifest();
            if (manifest.count() != index.count()) {
                throw new CorruptContainerException(path + ": manifest says " + manifest.count()
                        + " records, the file holds " + index.count());
            }
            return new TfRecordContainer(path, file, index, manifest, sealed, imageFeature, labelFeature, pathFeature, null);
        }
        // Written elsewhere: read every label once to learn the classes.
        TfRecordContainer probe = new TfRecordContainer(path, file, index,
                Manifest.of(Layout.TFRECORD, index.count(), List.of(), 0), null, imageFeature, labelFeature, pathFeature, null);
        // TensorFlow's image datasets also store the class name as text: it names the class (or, with
        // no int64 label, is the label).
        String[] texts = new String[index.count()];
        boolean anyText = false;
        for (int i = 0; i < texts.length; i++) {
            int at = i;
            ByteBuffer text = probe.parse(i, () -> ExampleFields.firstBytes(example(path, file, index, at), FeatureNames.CLASS_TEXT));
            if (text != null) {
                texts[i] = java.nio.charset.StandardCharsets.UTF_8.decode(text).toString();
                anyText = true;
            }
        }
        boolean intLabels = index.count() == 0
                || ExampleFields.firstInt64(example(path, file, index, 0), labelFeature) != null;
        int[] labels;
        List<String> names = new ArrayList<>();
        if (!intLabels && anyText) {
            java.util.TreeSet<String> distinct = new java.util.TreeSet<>();
            for (int i = 0; i < texts.length; i++) {
                if (texts[i] == null) {
                    throw new CorruptContainerException(path + ": record " + i + ": no '" + FeatureNames.CLASS_TEXT + "' feature");
                }
                distinct.add(texts[i]);
            }
            names.addAll(distinct);
            labels = new int[texts.length];
            for (int i = 0; i < texts.length; i++) {
                labels[i] = java.util.Collections.binarySearch(names, texts[i]);
            }
        } else {
            labels = probe.classIds();
        }
        int classes = names.size();
        long imageBytes = 0;
        try (RecordReader reader = probe.newReader()) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] >= MAX_FOREIGN_CLASSES) {
                    throw new CorruptContainerException(path + ": record " + i + ": label " + labels[i]
                            + " is over the limit of " + MAX_FOREIGN_CLASSES + " classes for a TFRecord without a "
                            + "Bale manifest (raise it with -Dbale.maxClasses=N)");
                }
                classes = Math.max(classes, labels[i] + 1);
                imageBytes += reader.read(i).remaining();
            }
        }
        for (int c = names.size(); c < classes; c++) {
            names.add(Integer.toString(c));
        }
        if (intLabels && anyText) {
            for (int i = 0; i < labels.length; i++) {
                if (texts[i] != null && names.get(labels[i]).equals(Integer.toString(labels[i]))) {
                    names.set(labels[i], texts[i]);
                }
            }
        }
        return new TfRecordContainer(path, file, index, Manifest.of(Layout.TFRECORD, index.count(), names, imageBytes),
                null, imageFeature, labelFeature, pathFeature, labels);
    }

    private static String present(ByteBuffer example, List<String> names, boolean bytes) throws IOException {
        for (String name : names) {
            Object value = bytes ? ExampleFields.firstBytes(example, name) : ExampleFields.firstInt64(example, name);
            if (value != null) {
                return name;
            }
        }
        return names.get(0);
    }

    /** The serialized Example of record i, after checking its framing and both CRCs. */
    private static ByteBuffer example(Path path, MappedFile file, TfRecordIndex index, int i) {
        long offset = index.offset(i);
        int size = index.size(i);
        if (!file.contains(offset, size)) {
            throw new CorruptContainerException(path + ": record " + i + ": index entry [" + offset + ", +" + size
                    + ") lies outside the file (" + file.size() + " bytes): truncated?");
        }
        ByteBuffer record = file.slice(offset, size).order(ByteOrder.LITTLE_ENDIAN);
        long length = record.getLong(0);
        if (Framing.maskedCrc(record.slice(0, 8)) != record.getInt(8)) {
            throw new CorruptContainerException(path + ": record " + i + " at offset " + offset + ": length checksum mismatch");
        }
        if (length != size - Framing.OVERHEAD) {
            throw new CorruptContainerException(path + ": record " + i + " at offset " + offset + ": length " + length
                    + " does not match the index (" + (size - Framing.OVERHEAD) + ")");
        }
        ByteBuffer data = record.slice(Framing.HEADER, (int) length);
        if (Framing.maskedCrc(data) != record.getInt(Framing.HEADER + (int) length)) {
            throw new CorruptContainerException(path + ": record " + i + " at offset " + offset + ": data checksum mismatch");
        }
        return data;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return Layout.TFRECORD;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    /** Read from every record's label feature on first use (a full pass over the file). */
    @Override
    public int[] classIds() {
        int[] ids = classIds;
        if (ids == null) {
            ids = new int[index.count()];
            for (int i = 0; i < ids.length; i++) {
                int at = i;
                Long label = parse(i, () -> ExampleFields.firstInt64(example(path, file, index, at), labelFeature));
                if (label == null || label < 0 || label > Integer.MAX_VALUE) {
                    throw new CorruptContainerException(path + ": record " + i + ": no usable int64 '" + labelFeature + "' feature");
                }
                ids[i] = label.intValue();
            }
            if (sealed != null) {
                ClassIds.validate(ids, sealed, path);
            }
            classIds = ids;
        }
        return ids;
    }

    /** The feature names, kinds and sizes found in the records: see {@link FeatureSchema}. */
    public FeatureSchema schema() {
        FeatureSchema schema = new FeatureSchema();
        for (int i = 0; i < index.count(); i++) {
            int at = i;
            parse(i, () -> {
                schema.add(example(path, file, index, at));
                return null;
            });
        }
        return schema;
    }

    @Override
    public long bytesOnDisk() {
        return Containers.bytesOnDisk(Layout.TFRECORD, path);
    }

    @Override
    public boolean metadataChecksummed() {
        return sealed != null && sealed.checksummed();
    }

    /** The {@code .idx} (checked at open when present): Bale wrote one, and other readers need it. */
    @Override
    public List<String> verifyMetadata() {
        if (sealed != null && sealed.check(INDEX_PART) != null && !Files.exists(indexPath(path))) {
            return List.of(indexPath(path) + ": missing (Bale found the records by scanning " + path.getFileName()
                    + ", but DALI and other readers need the index)");
        }
        return List.of();
    }

    @Override
    public RecordReader newReader() {
        handles.acquire();
        return new RecordReader() {
            private boolean closed;

            @Override
            public ByteBuffer read(int i) {
                handles.ensureOpen();
                java.util.Objects.checkIndex(i, index.count());
                ByteBuffer image = parse(i, () -> ExampleFields.firstBytes(example(path, file, index, i), imageFeature));
                if (image == null) {
                    throw new CorruptContainerException(path + ": record " + i + ": no bytes feature '" + imageFeature + "'");
                }
                return image.asReadOnlyBuffer();
            }

            @Override
            public String key(int i) {
                handles.ensureOpen();
                java.util.Objects.checkIndex(i, index.count());
                ByteBuffer key = parse(i, () -> ExampleFields.firstBytes(example(path, file, index, i), pathFeature));
                return key == null ? "#" + i : StandardCharsets.UTF_8.decode(key).toString();
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    handles.releaseReader();
                }
            }
        };
    }

    private interface ExampleQuery<T> {
        T run() throws IOException;
    }

    private <T> T parse(int i, ExampleQuery<T> query) {
        try {
            return query.run();
        } catch (IOException e) {
            throw new CorruptContainerException(path + ": record " + i + ": malformed tf.train.Example: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        handles.close();
    }
}
