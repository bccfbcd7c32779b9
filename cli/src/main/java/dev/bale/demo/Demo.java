package dev.bale.demo;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.inspect.Problem;
import dev.bale.inspect.Verifier;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.synthetic.SyntheticDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The first thing a new user runs: generate a small photo-like dataset, pack it into every layout,
 * verify each against the source files, and compare sizes and pack times.
 */
public final class Demo {

    /** One layout's outcome. */
    public record Row(Layout layout, PackResult pack, double verifySeconds, List<Problem> problems) {
    }

    private Demo() {
    }

    /**
     * @param dir       working folder: the dataset goes to {@code dir/photos}, containers beside it
     * @param listeners a progress listener per task name
     */
    public static List<Row> run(Path dir, SyntheticDataset.Spec spec, int threads, PrintStream log,
                                Function<String, PackListener> listeners) throws IOException {
        Path photos = dir.resolve(spec.png() ? "tiny" : "photos");
        if (Files.exists(photos)) {
            deleteTree(photos);
        }
        Files.createDirectories(photos);
        log.printf("generating %d %dx%d %s in %d classes under %s%n", spec.images(), spec.width(), spec.height(),
                spec.png() ? "grayscale PNGs" : "photo-like JPEGs", spec.classes(), photos);
        PackListener generating = listeners.apply("generate");
        generating.started(spec.images());
        SyntheticDataset.write(spec, photos, threads, done -> generating.progressed(done, 0));
        generating.finished();

        Source source = Source.folder(photos);
        List<Row> rows = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            Path out = dir.resolve(photos.getFileName() + "." + layout.id());
            PackResult pack = Packer.pack(new SourceInput(source), out,
                    PackOptions.of(layout).withThreads(threads).withForce(true), listeners.apply("pack " + layout.id()));
            long started = System.nanoTime();
            List<Problem> problems;
            try (Container container = Containers.open(out)) {
                problems = Verifier.verify(container, source, true, threads, done -> { });
            }
            rows.add(new Row(layout, pack, (System.nanoTime() - started) / 1e9, problems));
        }
        return rows;
    }

    /** The comparison table, one line per layout. */
    public static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-9s %8s %12s %12s %7s %8s %9s %10s%n", "layout", "records", "data MB", "on disk MB",
                "ratio", "pack s", "pack MB/s", "verify"));
        for (Row row : rows) {
            PackResult p = row.pack();
            out.append(String.format("%-9s %8d %12.2f %12.2f %7.4f %8.2f %9.1f %10s%n", row.layout().id(), p.records(),
                    p.inputBytes() / 1e6, p.bytesOnDisk() / 1e6, p.sizeRatio(), p.seconds(), p.megabytesPerSecond(),
                    row.problems().isEmpty() ? "ok" : row.problems().size() + " bad"));
        }
        return out.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
