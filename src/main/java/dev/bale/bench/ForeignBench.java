package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.OpenOptions;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bale bench FOREIGN}: Bale's loader on a dataset another tool wrote, read in place, and on
 * the same records after {@code convert} into each Bale layout, measured side by side in one run.
 * (No PyTorch peer for the foreign kinds yet.)
 */
public final class ForeignBench {
    private ForeignBench() {
    }

    /** One measured input: what it is, its size on disk, and the loader's images/s (eval transform). */
    public record Row(String input, long bytesOnDisk, double convertSeconds, double imagesPerSecond) {
    }

    public static List<Row> run(Path dataset, OpenOptions open, List<Layout> layouts, int workers, boolean quick,
                                Path out, PrintStream log) throws IOException {
        double seconds = quick ? 1.5 : 5;
        Transform transform = Transform.eval(256, 224);
        int batch = 32;
        List<Row> rows = new ArrayList<>();
        Files.createDirectories(out);
        try (Container source = Containers.open(dataset, open)) {
            log.printf("%s: %,d records; loader, eval transform, %d workers, batches of %d%n", dataset, source.size(),
                    workers, batch);
            rows.add(new Row("in place", source.bytesOnDisk(), 0,
                    Bench.loaderRate(source, transform, workers, batch, seconds)));
            for (Layout layout : layouts) {
                Path converted = out.resolve("converted." + layout.id());
                deleteIfPresent(layout, converted);
                long started = System.nanoTime();
                PackResult result;
                try (ContainerInput input = new ContainerInput(source)) {
                    result = Packer.pack(input, converted, PackOptions.of(layout).withThreads(workers), PackListener.NONE);
                }
                double convertSeconds = (System.nanoTime() - started) / 1e9;
                try (Container container = Containers.open(converted)) {
                    rows.add(new Row("converted to " + layout.id(), result.bytesOnDisk(), convertSeconds,
                            Bench.loaderRate(container, transform, workers, batch, seconds)));
                }
            }
        }
        String table = table(rows);
        log.print(table);
        Files.writeString(out.resolve("foreign-report.md"), "# bale bench " + dataset + "\n\n```\n" + table + "```\n"
                + "\nMeasured side by side in one run; ratios are to the dataset read in place.\n");
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-22s %12s %10s %10s %9s%n", "input", "on disk MB",
                "convert s", "images/s", "ratio"));
        double base = rows.get(0).imagesPerSecond();
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-22s %12.1f %10.2f %10.0f %9.2f%n", r.input(), r.bytesOnDisk() / 1e6,
                    r.convertSeconds(), r.imagesPerSecond(), r.imagesPerSecond() / base));
        }
        return s.toString();
    }

    private static void deleteIfPresent(Layout layout, Path main) throws IOException {
        for (Path p : layout.files(main)) {
            if (Files.isDirectory(p)) {
                try (var walk = Files.walk(p)) {
                    for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        }
    }
}
