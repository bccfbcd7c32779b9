package dev.bale.spark;

import dev.bale.pack.BadRecordException;
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
 * dataset's size and numbering, holding records [from, from + n) only ({@link SliceInput}).
 */
final class SpooledInput extends SliceInput implements AutoCloseable {
    private static final long serialVersionUID = 1L;
    private final long[] offsets;
    private final int[] lengths;
    private final String[] problems;
    private final transient Path file;
    private final transient FileChannel channel;

    private SpooledInput(int size, int from, List<String> classes, List<FrameRecord> records, long[] offsets, Path file)
            throws IOException {
        super(size, from, classes, records.stream().map(FrameRecord::key).toArray(String[]::new),
                records.stream().mapToInt(FrameRecord::classId).toArray());
        this.offsets = offsets;
        this.lengths = records.stream().mapToInt(FrameRecord::length).toArray();
        this.problems = records.stream().map(FrameRecord::problem).toArray(String[]::new);
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
            out.close();
            return new SpooledInput(size, from, classes, meta, offsets.stream().mapToLong(Long::longValue).toArray(), file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    @Override
    public String describe(int index) {
        return "DataFrame record " + index + " (key " + key(index) + ")";
    }

    @Override
    public long recordBytes(int index) {
        return Math.max(0, lengths[at(index)]);
    }

    @Override
    public ByteBuffer load(int index) throws IOException {
        int i = at(index);
        if (problems[i] != null) {
            throw new BadRecordException(index, describe(index), problems[i]);
        }
        ByteBuffer bytes = ByteBuffer.allocate(lengths[i]);
        long position = offsets[i];
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
