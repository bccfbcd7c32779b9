package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.OpenOptions;
import dev.bale.container.foreign.ForeignContainer;
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
 * the same records after {@code convert} into each Bale layout, and PyTorch's DataLoader reading the
 * same files the tutorials' way ({@code bench/peer/foreign_peer.py}: {@code pickle.loads} per item for a
 * pickled LMDB, seek + read + PIL for a plain bin, a SELECT per item for SQLite...), measured side by
 * side in one run.
 */
public final class ForeignBench {
    /** The peer's row name starts so. */
    private static final String PEER = "PyTorch";

    private ForeignBench() {
    }

    /** One measured input: what it is, its size on disk, and the loader's images/s (eval transform). */
    public record Row(String input, long bytesOnDisk, double convertSeconds, double imagesPerSecond) {
    }

    /**
     * @param peer PyTorch's DataLoader to run beside Bale, or null for none
     */
    public static List<Row> run(Path dataset, OpenOptions open, List<Layout> layouts, int workers, boolean quick,
                                Path out, PrintStream log, Peer peer) throws IOException {
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
            String mode = source instanceof ForeignContainer foreign ? foreign.kind().id() : source.layout().id();
            Row peerRow = peerRow(peer, mode, dataset, open, source.bytesOnDisk(), transform, workers, batch, quick, log);
            if (peerRow != null) {
                rows.add(peerRow);
            }
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
                + "\nMeasured side by side in one run (" + Machine.describe() + "); ratios are to the dataset read in place "
                + "by Bale and, where it ran, to PyTorch's DataLoader reading the same files.\n");
        return rows;
    }

    /** PyTorch's DataLoader on the dataset's own files, or null when it is not asked for or cannot run. */
    private static Row peerRow(Peer peer, String mode, Path dataset, OpenOptions open, long bytesOnDisk, Transform transform,
                               int workers, int batch, boolean quick, PrintStream log) {
        if (peer == null) {
            return null;
        }
        String absent = peer.prepare();
        if (absent == null) {
            List<String> extra = new ArrayList<>();
            if (open.index() != null) {
                extra.addAll(List.of("--index", open.index().toString()));
            }
            if (open.table() != null) {
                extra.addAll(List.of("--table", open.table()));
            }
            if (open.columns() != null) {
                extra.addAll(List.of("--columns", String.join(",", open.columns())));
            }
            if (open.labels() != null) {
                extra.addAll(List.of("--labels", open.labels().toString()));
            }
            Peer.Run run = peer.run(mode, dataset, workers, batch, "eval", transform.crop(), transform.resize(),
                    quick ? 1 : 2, 0, extra);
            if (run.ok()) {
                return new Row(PEER + " (" + mode + ")", bytesOnDisk, 0, run.imagesPerSecond());
            }
            absent = run.error();
        }
        log.println("peer: absent (" + absent + ")");
        return null;
    }

    static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-28s %12s %10s %10s %9s %9s%n", "input",
                "on disk MB", "convert s", "images/s", "ratio", "vs peer"));
        double base = rows.get(0).imagesPerSecond();
        double peer = rows.stream().filter(r -> r.input().startsWith(PEER)).mapToDouble(Row::imagesPerSecond).findFirst()
                .orElse(Double.NaN);
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-28s %12.1f %10.2f %10.0f %9.2f %9s%n", r.input(), r.bytesOnDisk() / 1e6,
                    r.convertSeconds(), r.imagesPerSecond(), r.imagesPerSecond() / base,
                    Double.isNaN(peer) ? "-" : String.format(Locale.ROOT, "%.2f", r.imagesPerSecond() / peer)));
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
