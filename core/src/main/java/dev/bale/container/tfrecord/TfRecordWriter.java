package dev.bale.container.tfrecord;

import com.google.protobuf.ByteString;
import dev.bale.container.Check;
import dev.bale.container.ClassIds;
import dev.bale.container.ContainerWriter;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.Seal;
import dev.bale.container.tfrecord.proto.BytesList;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import dev.bale.container.tfrecord.proto.Features;
import dev.bale.container.tfrecord.proto.Int64List;
import dev.bale.image.ImageHeader;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a TFRecord file of {@code tf.train.Example}s (features {@code height, width, depth,
 * label, image_raw}, plus {@code path}), its DALI-style index ({@code offset size} per line) and
 * Bale's manifest beside it.
 */
public final class TfRecordWriter implements ContainerWriter {
    private final Path path;
    private final List<String> classes;
    private final FileChannel channel;
    private final OutputStream out;
    private final BufferedWriter index;
    private ByteBuffer firstHeader;
    private long offset;
    private long sourceBytes;
    private int count;
    private int[] classIds = new int[1024];
    private boolean finished;

    public TfRecordWriter(Path path, List<String> classes) throws IOException {
        this.path = path;
        this.classes = List.copyOf(classes);
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        this.index = Files.newBufferedWriter(TfRecordContainer.indexPath(path), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void append(String key, int classId, ByteBuffer data) throws IOException {
        ImageHeader image = ImageHeader.probe(data).orElse(new ImageHeader(0, 0, 0));
        Example example = Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature(FeatureNames.HEIGHT, int64(image.height()))
                .putFeature(FeatureNames.WIDTH, int64(image.width()))
                .putFeature(FeatureNames.DEPTH, int64(image.channels()))
                .putFeature(FeatureNames.LABEL.get(0), int64(classId))
                .putFeature(FeatureNames.IMAGE.get(0), bytes(ByteString.copyFrom(data.duplicate())))
                .putFeature(FeatureNames.PATH.get(0), bytes(ByteString.copyFromUtf8(key))))
                .build();
        ByteBuffer record = ByteBuffer.wrap(example.toByteArray());
        ByteBuffer header = Framing.header(record.remaining());
        if (count == 0) {
            // Until finish() mends it, the first header's checksum is wrong: a file left by a
            // killed pack never opens as a valid TFRecord.
            firstHeader = header;
            header = ByteBuffer.allocate(Framing.HEADER).order(header.order()).put(header.array()).putInt(8, ~header.getInt(8));
        }
        out.write(header.array());
        out.write(record.array());
        out.write(Framing.footer(record).array());
        long size = Framing.OVERHEAD + (long) record.remaining();
        index.write(offset + " " + size + "\n");
        offset += size;
        sourceBytes += data.remaining();
        if (count == classIds.length) {
            classIds = java.util.Arrays.copyOf(classIds, count * 2);
        }
        classIds[count] = classId;
        count++;
    }

    private static Feature int64(long value) {
        return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(value)).build();
    }

    private static Feature bytes(ByteString value) {
        return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(value)).build();
    }

    @Override
    public void finish() throws IOException {
        out.flush();
        if (firstHeader != null) {
            channel.write(firstHeader.rewind(), 0);
        }
        channel.force(true);
        out.close();
        index.close();
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put(TfRecordContainer.RECORDS_PART, new Check(offset, 0));
        checks.put(TfRecordContainer.INDEX_PART, Check.of(Files.readAllBytes(TfRecordContainer.indexPath(path))));
        checks.put(Seal.CLASS_IDS, ClassIds.check(java.util.Arrays.copyOf(classIds, count)));
        Files.writeString(TfRecordContainer.manifestPath(path),
                Seal.write(Manifest.of(Layout.TFRECORD, count, classes, sourceBytes), checks), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        finished = true;
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            out.close();
            index.close();
        }
    }
}
