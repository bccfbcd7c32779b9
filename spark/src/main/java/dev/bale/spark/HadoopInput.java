package dev.bale.spark;

import dev.bale.pack.BadRecordException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Source files on any Hadoop filesystem, in record order, as a pack input. A task gets only its
 * shard's {@link #slice}: the input keeps the dataset's size and numbering (so the packer's range
 * and error messages are the dataset's), but holds the records of [from, to) only.
 */
final class HadoopInput extends SliceInput {
    private static final long serialVersionUID = 1L;
    /** Files larger than this are refused: a record is one array (and one record of a container). */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;

    private final String[] origins;
    private final String[] files;
    /** File sizes when the listing gave them, else -1. */
    private final long[] lengths;
    private final HadoopConf conf;

    HadoopInput(List<String> classes, String[] keys, int[] classIds, String[] origins, String[] files, long[] lengths,
                HadoopConf conf) {
        this(keys.length, 0, new ArrayList<>(classes), keys, classIds, origins, files, lengths, conf);
    }

    private HadoopInput(int size, int from, ArrayList<String> classes, String[] keys, int[] classIds, String[] origins,
                        String[] files, long[] lengths, HadoopConf conf) {
        super(size, from, classes, keys, classIds);
        this.origins = origins;
        this.files = files;
        this.lengths = lengths;
        this.conf = conf;
    }

    /**
     * The same input holding records [from, to) only: what one task needs. It has no class list until
     * {@link #withClasses}: the list (a million text lines, for OCR) travels once per stage in the task's
     * closure, not once per task with its records.
     */
    HadoopInput slice(int sliceFrom, int sliceTo) {
        int a = sliceFrom - from;
        int b = sliceTo - from;
        return new HadoopInput(size(), sliceFrom, null, Arrays.copyOfRange(keys, a, b), Arrays.copyOfRange(classIds, a, b),
                Arrays.copyOfRange(origins, a, b), Arrays.copyOfRange(files, a, b), Arrays.copyOfRange(lengths, a, b), conf);
    }

    /** Whether some file sizes are not known yet (a list file's; a folder listing gives them). */
    boolean sizesUnknown() {
        return Arrays.stream(lengths).anyMatch(length -> length < 0);
    }

    /**
     * The same input with every file's size, asked of the filesystem by a Spark job (a shard size
     * limit plans from them; one request per file from the driver would take hours on an object store).
     * A file that cannot be read counts 0 bytes: the pack finds and names it.
     */
    HadoopInput withSizes(org.apache.spark.api.java.JavaSparkContext jsc) {
        HadoopConf fsConf = conf;
        int slices = Math.max(1, Math.min(1000, files.length / 2000 + 1));
        long[] sizes = jsc.parallelize(Arrays.asList(files), slices).map(file -> {
            Path path = new Path(file);
            try {
                FileStatus status = fsConf.fileSystem(path).getFileStatus(path);
                return status.isFile() ? status.getLen() : 0L;
            } catch (IOException e) {
                return 0L;
            }
        }).collect().stream().mapToLong(Long::longValue).toArray();
        return new HadoopInput(size(), from, new ArrayList<>(classes()), keys, classIds, origins, files, sizes, conf);
    }

    HadoopInput withClasses(ArrayList<String> classList) {
        return new HadoopInput(size(), from, classList, keys, classIds, origins, files, lengths, conf);
    }

    /** As {@code bale pack} says it: "list.txt line 12: /data/a/b.jpg", or the file for a folder source. */
    @Override
    public String describe(int index) {
        int i = at(index);
        return origins[i].equals(files[i]) ? origins[i] : origins[i] + ": " + files[i];
    }

    @Override
    public long recordBytes(int index) throws IOException {
        int i = at(index);
        if (lengths[i] >= 0) {
            return lengths[i];
        }
        Path path = new Path(files[i]);
        try {
            return conf.fileSystem(path).getFileStatus(path).getLen();
        } catch (IOException e) {
            return 0; // a missing file is found, and named, when it is packed
        }
    }

    @Override
    public ByteBuffer load(int index) throws IOException {
        int i = at(index);
        Path path = new Path(files[i]);
        try {
            FileSystem fs = conf.fileSystem(path);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw new BadRecordException(index, describe(index), "is a folder, not a file");
            }
            if (status.getLen() == 0) {
                throw new BadRecordException(index, describe(index), "empty file");
            }
            if (status.getLen() > MAX_FILE_BYTES) {
                throw new BadRecordException(index, describe(index), "larger than 2 GB");
            }
            byte[] bytes = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(path)) {
                in.readFully(0, bytes);
            }
            return ByteBuffer.wrap(bytes);
        } catch (FileNotFoundException e) {
            // The local filesystem reports an unreadable file as "not found (Permission denied)".
            boolean denied = String.valueOf(e.getMessage()).contains("Permission denied");
            throw new BadRecordException(index, describe(index), denied ? "permission denied" : "file not found");
        } catch (AccessControlException e) {
            throw new BadRecordException(index, describe(index), "permission denied");
        } catch (java.io.EOFException e) {
            throw new BadRecordException(index, describe(index), "changed while read (shorter than listed)");
        } catch (BadRecordException e) {
            throw e;
        } catch (IOException e) {
            throw new BadRecordException(index, describe(index), "cannot read: " + e.getMessage());
        }
    }
}
