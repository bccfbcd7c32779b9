package dev.bale.fuzz;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.inspect.Problem;
import dev.bale.inspect.Verifier;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.LoaderException;
import dev.bale.pack.BadRecordException;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import dev.bale.transform.Transform;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The child JVM of {@link FuzzTest}: reads one case per line from stdin ({@code id TAB layout TAB
 * path}), runs open, verify, convert and load on the damaged container, judges every result
 * against the undamaged source (the test's own fixture images, not any Bale reader) and answers
 * {@code FUZZ TAB id TAB outcome TAB detail} on stdout. A JVM crash or hang is judged by the parent.
 */
public final class FuzzChild {
    /** Records per fixture container ({@code -Dbale.fuzz.records}, passed on to the child). */
    static final int RECORDS = Integer.getInteger("bale.fuzz.records", 12);
    static final long SEED = 161;
    private static final Pattern RECORD = Pattern.compile("\\brecord \\d+\\b");

    private final List<Image> images = Fixtures.images(RECORDS, SEED);
    private final int[] classIds = Fixtures.classIds(images);
    /** Whether the current case ended (in some step) as a clear error rather than correct data. */
    private boolean erred;

    /** Thrown to end a case as WRONG. */
    private static final class Wrong extends RuntimeException {
        Wrong(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        // Everything else the libraries print goes to stderr, so that stdout carries only answers.
        System.setOut(System.err);
        FuzzChild child = new FuzzChild();
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split("\t");
            String[] result = child.run(Layout.parse(parts[1]), Path.of(parts[2]), Boolean.parseBoolean(parts[3]));
            out.println("FUZZ\t" + parts[0] + "\t" + result[0] + "\t" + result[1].replaceAll("[\t\r\n]", " "));
        }
    }

    /**
     * {outcome, detail}. {@code mustNotice}: the damaged file is one whose every byte is covered by
     * a checksum, and the damage changed it: some step must report it.
     */
    String[] run(Layout layout, Path path, boolean mustNotice) {
        StringBuilder detail = new StringBuilder();
        erred = false;
        try {
            try {
                judged(layout, path, detail);
                if (mustNotice && !erred) {
                    throw new Wrong("a checksummed file was changed, and nothing noticed");
                }
            } catch (CorruptContainerException | IOException | LoaderException | BadRecordException e) {
                // Raised outside the per-step checks (a TFRecord's labels are read on first use).
                clear(e, path, "container", detail);
            }
            return new String[] {Outcome.CLEAN.name(), (erred ? "error: " : "data: ") + detail};
        } catch (Wrong e) {
            return new String[] {Outcome.WRONG.name(), e.getMessage() + " | " + detail};
        } catch (Throwable t) {
            return new String[] {Outcome.UNCLEAR.name(), t + " at " + where(t) + " | " + detail};
        }
    }

    private void judged(Layout layout, Path path, StringBuilder detail) throws Exception {
        Container container;
        try {
            container = Containers.open(path);
        } catch (CorruptContainerException | IOException e) {
            clear(e, path, "open", detail);
            return;
        }
        try (container) {
            boolean damagedRecords = readAll(container, path, detail);
            List<Problem> problems = Verifier.verify(container, null, false, 1, n -> { });
            if (damagedRecords && problems.isEmpty()) {
                throw new Wrong("verify found nothing, yet records failed to read");
            }
            detail.append("verify: ").append(problems.size()).append(" problems; ");
            for (Problem problem : problems) {
                erred = true;
                String text = problem.toString();
                if (!text.contains(path.getFileName().toString()) && !RECORD.matcher(text).find()) {
                    throw new IllegalStateException("verify: unclear problem: " + text);
                }
            }
            convert(container, path, detail);
            load(container, path, detail);
        }
    }

    /** Every record against the source; true if any failed (clearly). */
    private boolean readAll(Container container, Path path, StringBuilder detail) {
        if (container.size() != RECORDS) {
            throw new Wrong("opened with " + container.size() + " records");
        }
        if (!container.manifest().classes().equals(Fixtures.CLASSES) && !isForeignTfRecord(container)) {
            throw new Wrong("class names " + container.manifest().classes());
        }
        if (!Arrays.equals(container.classIds(), classIds)) {
            throw new Wrong("class ids " + Arrays.toString(container.classIds()));
        }
        boolean failed = false;
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < RECORDS; i++) {
                try {
                    ByteBuffer bytes = reader.read(i);
                    if (!bytes.equals(ByteBuffer.wrap(images.get(i).bytes()))) {
                        throw new Wrong("record " + i + ": bytes differ");
                    }
                    if (!reader.key(i).equals(images.get(i).key())) {
                        throw new Wrong("record " + i + ": key '" + reader.key(i) + "'");
                    }
                } catch (CorruptContainerException e) {
                    clear(e, path, "read " + i, detail);
                    failed = true;
                }
            }
        }
        return failed;
    }

    /** A TFRecord whose Bale manifest is gone reads as foreign data: numbered classes, stated unchecksummed. */
    private boolean isForeignTfRecord(Container container) {
        return container.layout() == Layout.TFRECORD && !container.metadataChecksummed()
                && container.manifest().classes().equals(List.of("0", "1", "2", "3", "4"));
    }

    private void convert(Container container, Path path, StringBuilder detail) throws IOException {
        Path out = path.resolveSibling("converted-" + path.getFileName() + ".bin");
        try (ContainerInput input = new ContainerInput(container)) {
            Packer.pack(input, out, PackOptions.of(Layout.BIN), PackListener.NONE);
        } catch (BadRecordException | CorruptContainerException | IOException e) {
            clear(e, path, "convert", detail);
            return;
        }
        try (Container converted = Containers.open(out); RecordReader reader = converted.newReader()) {
            if (!converted.manifest().classes().equals(container.manifest().classes())
                    || !Arrays.equals(converted.classIds(), classIds) || converted.size() != RECORDS) {
                throw new Wrong("convert wrote other classes or class ids");
            }
            for (int i = 0; i < RECORDS; i++) {
                if (!reader.read(i).equals(ByteBuffer.wrap(images.get(i).bytes())) || !reader.key(i).equals(images.get(i).key())) {
                    throw new Wrong("convert wrote record " + i + " wrong");
                }
            }
        }
        detail.append("convert ok; ");
    }

    private void load(Container container, Path path, StringBuilder detail) {
        int seen = 0;
        try (DataLoader loader = DataLoader.builder(container).batchSize(4).workers(1)
                .transform(Transform.eval(40, 32)).build()) {
            for (Batch batch : loader.epoch(0)) {
                for (int k = 0; k < batch.size(); k++) {
                    if (batch.label(k) != classIds[batch.index(k)]) {
                        throw new Wrong("load: record " + batch.index(k) + " labelled " + batch.label(k));
                    }
                    seen++;
                }
            }
        } catch (LoaderException | CorruptContainerException | IllegalArgumentException e) {
            clear(e, path, "load", detail);
            return;
        }
        if (seen != RECORDS) {
            throw new Wrong("load delivered " + seen + " samples");
        }
        detail.append("load ok");
    }

    /** An error is acceptable when it names the container (or one of its files) or a record. */
    private void clear(Exception e, Path path, String step, StringBuilder detail) {
        erred = true;
        String message = String.valueOf(e.getMessage());
        if (!message.contains(path.getFileName().toString()) && !RECORD.matcher(message).find()) {
            throw new IllegalStateException(step + ": unclear error: " + e);
        }
        detail.append(step).append(": ").append(message.length() > 160 ? message.substring(0, 160) + "..." : message)
                .append("; ");
    }

    private static String where(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length == 0 ? "?" : trace[0].toString();
    }

    static Path copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
