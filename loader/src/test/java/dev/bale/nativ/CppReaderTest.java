package dev.bale.nativ;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.bale.container.Checksums;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.container.tfrecord.Framing;
import dev.bale.container.tfrecord.proto.BytesList;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import dev.bale.container.tfrecord.proto.Features;
import dev.bale.container.tfrecord.proto.Int64List;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.image.ImageHeader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The C++ reader, {@code native/include/bale/reader.h}, against Bale's Java containers, through the
 * example programs that {@code cppbuild.sh standalone} builds: {@code dump_records} must see the
 * bytes (compared by CRC-32C) and class ids that Java sees for every record, and report damage as
 * an error naming the record, exiting with a status, never dying on a signal; {@code read_batch}
 * must produce the loader's eval-mode tensors.
 *
 * <p>Tagged: on a fresh checkout the build makes this class take about 30 s, 10 s once built. It
 * runs in {@code mvn test}; {@code -DexcludedGroups=cpp-build} leaves it out.
 */
@Tag("cpp-build")
class CppReaderTest {
    private static final Path PROJECT = Path.of(System.getProperty("bale.home", "..")).toAbsolutePath().normalize();
    private static final Path DUMP_RECORDS = PROJECT.resolve("target/native/dump_records");
    private static final Path READ_BATCH = PROJECT.resolve("target/native/read_batch");
    private static final int IMAGES = 24;
    private static final int FLIPPED = 5;

    @TempDir
    static Path shared;
    private static Source images;

    /** How a container is packed for a test. */
    enum Packing {
        BIN(Layout.BIN),
        TFRECORD(Layout.TFRECORD),
        /** Without its .idx sidecar: the reader walks the record headers instead. */
        TFRECORD_SCANNED(Layout.TFRECORD);

        final Layout layout;

        Packing(Layout layout) {
            this.layout = layout;
        }
    }

    private record Run(int exit, String out, String err) {
        String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }

        /** The record lines of dump_records' output. */
        List<String> records() {
            return out.lines().filter(line -> !line.startsWith("#")).toList();
        }
    }

    @BeforeAll
    static void buildAndGenerate() throws Exception {
        Run build = run(shared, "bash", PROJECT.resolve("cppbuild.sh").toString(), "standalone");
        assertEquals(0, build.exit, build::describe);
        Path root = shared.resolve("images");
        SyntheticDataset.write(new SyntheticDataset.Spec(IMAGES, 3, 96, 72, false, 1), root, 2, done -> { });
        images = Source.folder(root);
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void seesWhatJavaSees(Packing packing, @TempDir Path dir) throws Exception {
        Path container = pack(packing, images, dir);

        Run dump = run(dir, DUMP_RECORDS.toString(), container.toString());

        assertEquals(0, dump.exit, dump::describe);
        assertEquals("", dump.err, dump::describe);
        assertTrue(dump.out.startsWith("# " + container + ": " + packing.layout.id() + ", " + IMAGES + " records\n"),
                dump::describe);
        assertEquals(javaRecords(container), dump.records());
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void flippedByteFailsItsRecordOnly(Packing packing, @TempDir Path dir) throws Exception {
        Path container = pack(packing, images, dir);
        List<String> expected = new ArrayList<>(javaRecords(container));
        Damage.flipByteOf(Fixtures.dataFile(packing.layout, container), recordBytes(container, FLIPPED));
        expected.remove(FLIPPED);

        Run dump = run(dir, DUMP_RECORDS.toString(), container.toString());

        assertEquals(1, dump.exit, dump::describe);
        assertTrue(Pattern.compile("\\brecord " + FLIPPED + ": .*checksum mismatch").matcher(dump.err).find(),
                dump::describe);
        assertEquals(1, dump.err.lines().count(), dump::describe);
        assertEquals(expected, dump.records());
    }

    @ParameterizedTest
    @EnumSource(Packing.class)
    void truncatedFileFailsCleanly(Packing packing, @TempDir Path dir) throws Exception {
        Path container = pack(packing, images, dir);
        List<String> expected = javaRecords(container);
        Damage.truncate(Fixtures.dataFile(packing.layout, container), 0.6);

        Run dump = run(dir, DUMP_RECORDS.toString(), container.toString());

        assertEquals(1, dump.exit, dump::describe);
        assertTrue(Pattern.compile("\\brecord \\d+\\b.*truncated").matcher(dump.err).find(), dump::describe);
        // bin opens (its index is whole) and lists the records the cut left whole; tfrecord does not open.
        List<String> listed = dump.records();
        assertEquals(expected.subList(0, listed.size()), listed);
        assertTrue(listed.size() < IMAGES, dump::describe);
    }

    /** A class id flipped in index.bin, or a changed .idx, fails against the manifest's checksum. */
    @Test
    void damagedMetadataFailsAgainstTheManifest(@TempDir Path dir) throws Exception {
        Path bin = pack(Packing.BIN, images, dir.resolve("bin"));
        try (java.io.RandomAccessFile index = new java.io.RandomAccessFile(bin.resolve("index.bin").toFile(), "rw")) {
            long at = 16 + 3 * 20 + 16; // record 3's class id
            index.seek(at);
            int b = index.read();
            index.seek(at);
            index.write(b ^ 1);
        }
        Run dump = run(dir, DUMP_RECORDS.toString(), bin.toString());
        assertEquals(1, dump.exit, dump::describe);
        assertTrue(dump.err.contains(bin.resolve("index.bin") + ": checksum mismatch"), dump::describe);

        Path tfrecord = pack(Packing.TFRECORD, images, dir.resolve("tfrecord"));
        Path idx = tfrecord.resolveSibling(tfrecord.getFileName() + ".idx");
        Files.writeString(idx, Files.readString(idx).replaceFirst("\n", " \n"));
        dump = run(dir, DUMP_RECORDS.toString(), tfrecord.toString());
        assertEquals(1, dump.exit, dump::describe);
        assertTrue(dump.err.contains(idx + ": is "), dump::describe);
    }

    /**
     * Records whose framing and CRCs are right but whose Example is cut short or damaged reach the
     * protobuf walker: each must fail with a message or read as some record, never crash.
     */
    @Test
    void malformedExamplesFailCleanly(@TempDir Path dir) throws Exception {
        byte[] image = new byte[200];
        new Random(3).nextBytes(image);
        byte[] example = Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature("label", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(2)).build())
                .putFeature("image_raw", Feature.newBuilder().setBytesList(
                        BytesList.newBuilder().addValue(ByteString.copyFrom(image))).build()))
                .build().toByteArray();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int length = 0; length < example.length; length++) {
            frame(file, Arrays.copyOf(example, length));
        }
        frame(file, example);
        Random random = new Random(4);
        for (int i = 0; i < 500; i++) {
            byte[] damaged = example.clone();
            damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            frame(file, damaged);
        }
        Path tfrecord = dir.resolve("malformed.tfrecord");
        Files.write(tfrecord, file.toByteArray());

        Run dump = run(dir, DUMP_RECORDS.toString(), tfrecord.toString());

        assertEquals(1, dump.exit, dump::describe);
        for (int length = 0; length < example.length; length++) {
            assertTrue(Pattern.compile("\\brecord " + length + ": malformed tf.train.Example: ").matcher(dump.err).find(),
                    "prefix of " + length + " bytes: " + dump.describe());
        }
        assertTrue(dump.records().contains(String.format("%d 2 %d %08x", example.length, image.length,
                Checksums.crc32c(ByteBuffer.wrap(image)))), dump::describe);
    }

    /** read_batch's tensors, bit for bit, against the Java planner and decoder, at full and half decode scale. */
    @Test
    void readBatchMatchesJavaEval(@TempDir Path dir) throws Exception {
        Path large = dir.resolve("large");
        // 700x520: the 448-pixel eval square is twice the output, so JPEGs decode at half scale.
        SyntheticDataset.write(new SyntheticDataset.Spec(3, 2, 700, 520, false, 2), large, 2, done -> { });
        for (Source source : List.of(images, Source.folder(large))) {
            Path container = pack(Packing.BIN, source, dir.resolve(source.root().getFileName().toString()));

            Run batch = run(dir, READ_BATCH.toString(), container.toString(), "6");

            assertEquals(0, batch.exit, batch::describe);
            assertEquals(javaEvalChecksums(container, 6), batch.out.lines().map(CppReaderTest::fnv).toList());
        }
    }

    private static Path pack(Packing packing, Source source, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path container = dir.resolve("images." + packing.layout.id());
        Packer.pack(new SourceInput(source), container, PackOptions.of(packing.layout), PackListener.NONE);
        if (packing == Packing.TFRECORD_SCANNED) {
            Files.delete(container.resolveSibling(container.getFileName() + ".idx"));
        }
        return container;
    }

    /** dump_records' lines as Java's reader sees the container: "INDEX CLASS_ID LENGTH CRC32C". */
    private static List<String> javaRecords(Path path) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            int[] classIds = container.classIds();
            for (int i = 0; i < classIds.length; i++) {
                ByteBuffer bytes = reader.read(i);
                lines.add(String.format("%d %d %d %08x", i, classIds[i], bytes.remaining(), Checksums.crc32c(bytes)));
            }
        }
        return lines;
    }

    private static byte[] recordBytes(Path path, int index) throws IOException {
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            return Fixtures.bytes(reader.read(index));
        }
    }

    /** FNV-1a of each of the first {@code count} records decoded as the loader does with {@link Transform#eval()}. */
    private static List<String> javaEvalChecksums(Path path, int count) throws IOException {
        List<String> checksums = new ArrayList<>();
        Transform eval = Transform.eval();
        Planner planner = new Planner(eval, 0);
        SamplePlan plan = new SamplePlan();
        try (Container container = Containers.open(path); RecordReader reader = container.newReader();
             NativeDecoder decoder = new NativeDecoder()) {
            for (int c = 0; c < 3; c++) {
                decoder.params().mean(c, eval.mean()[c]).std(c, eval.std()[c]);
            }
            for (int i = 0; i < Math.min(count, container.size()); i++) {
                ByteBuffer encoded = reader.read(i);
                ImageHeader header = ImageHeader.probe(encoded).orElseThrow();
                planner.plan(header.width(), header.height(), (encoded.get(0) & 0xFF) == 0xFF, 0, i, plan);
                decoder.params().reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                        .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight);
                ByteBuffer tensor = ByteBuffer.allocateDirect((int) decoder.outputBytes());
                decoder.decode(encoded, tensor, 0);
                long fnv = 0xcbf29ce484222325L;
                for (int b = 0; b < tensor.capacity(); b++) {
                    fnv = (fnv ^ (tensor.get(b) & 0xFF)) * 0x100000001b3L;
                }
                checksums.add(String.format("%016x", fnv));
            }
        }
        return checksums;
    }

    private static String fnv(String readBatchLine) {
        Matcher m = Pattern.compile("fnv1a ([0-9a-f]{16})$").matcher(readBatchLine);
        assertTrue(m.find(), readBatchLine);
        return m.group(1);
    }

    /** Appends one TFRecord record holding {@code data}, with both CRCs right. */
    private static void frame(ByteArrayOutputStream file, byte[] data) {
        ByteBuffer header = ByteBuffer.allocate(Framing.HEADER).order(ByteOrder.LITTLE_ENDIAN).putLong(0, data.length);
        header.putInt(8, Framing.maskedCrc(header.slice(0, 8)));
        ByteBuffer footer = ByteBuffer.allocate(Framing.FOOTER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, Framing.maskedCrc(ByteBuffer.wrap(data)));
        file.writeBytes(header.array());
        file.writeBytes(data);
        file.writeBytes(footer.array());
    }

    /** Runs a command in the project folder; its output goes to files in {@code dir}. */
    private static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // cppbuild.sh unpacks jars with the JDK's jar tool: the one running this test will do.
        builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        // A process killed by signal N exits 128 + N here: a crash shows up as such a status.
        return new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }
}
