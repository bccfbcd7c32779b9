package dev.bale.spark;

import dev.bale.pack.BadRecordException;
import dev.bale.pack.PackInput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/**
 * One shard's records from a DataFrame, in rank order, spooled to a local file as they arrive from
 * the shuffle (a shard can be larger than memory), then read back by the packer. It keeps the
 * dataset's size and numbering, holding records [from, from + n) only, as {@link HadoopInput} does.
 */
final class SpooledInput implements PackInput, AutoCloseable {
    private final int size;
    private final int from;
    private final List<String> classes;
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> classIds = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Path file;
    private final FileChannel channel;

    private SpooledInput(int size, int from, List<String> classes, Path file) throws IOException {
        this.size = size;
        this.from = from;
        this.classes = classes;
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /** Spools {@code records} (rank, record), which must be ranks from, from + 1, ... in order. */
    static SpooledInput spool(Iterator<Tuple2<Long, FrameRecord>> records, int size, int from, List<String> classes)
            throws IOException {
        Path file = Files.createTempFile("bale-spool-", ".bin");
        List<FrameRecord> meta = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            long offset = 0;
            long expected = from;
            while (records.hasNext()) {
                Tuple2<Long, FrameRecord> next = records.next();
                if (next._1() != expected) {
                    throw new IllegalStateException("record rank " + next._1() + " where " + expected + " was expected");
                }
                expected++;
                FrameRecord record = next._2();
                offsets.add(offset);
                if (record.bytes() != null) {
                    out.write(record.bytes());
                    offset += record.bytes().length;
                }
                meta.add(record.withoutBytes());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        SpooledInput input = new SpooledInput(size, from, classes, file);
        for (int i = 0; i < meta.size(); i++) {
            FrameRecord record = meta.get(i);
            input.keys.add(record.key());
            input.classIds.add(record.classId());
            input.offsets.add(offsets.get(i));
            input.lengths.add(record.length());
            input.problems.add(record.problem());
        }
        return input;
    }

    private int at(int index) {
        int i = index - from;
        if (i < 0 || i >= keys.size()) {
            throw new IndexOutOfBoundsException("record " + index + " is not in this shard [" + from + ", "
                    + (from + keys.size()) + ")");
        }
        return i;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public String key(int index) {
        return keys.get(at(index));
    }

    @Override
    public int classId(int index) {
        return classIds.get(at(index));
    }

    @Override
    public String describe(int index) {
        return "DataFrame record " + index + " (key " + keys.get(at(index)) + ")";
    }

    @Override
    public long sizeHint() {
        return 0;
    }

    @Override
    public long recordBytes(int index) {
        return Math.max(0, lengths.get(at(index)));
    }

    @Override
    public ByteBuffer load(int index) throws IOException {
        int i = at(index);
        if (problems.get(i) != null) {
            throw new BadRecordException(index, describe(index), problems.get(i));
        }
        ByteBuffer bytes = ByteBuffer.allocate(lengths.get(i));
        long position = offsets.get(i);
        while (bytes.hasRemaining()) {
            int n = channel.read(bytes, position + bytes.position());
            if (n < 0) {
                throw new IOException(file + ": spool file shorter than written");
            }
        }
        return bytes.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }
}
