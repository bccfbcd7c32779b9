package dev.bale.bench;

import com.google.gson.GsonBuilder;
import dev.bale.bench.BenchResult.DatasetResult;
import dev.bale.bench.BenchResult.LayoutResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** A bench run as people read it: a table, a Markdown report, results.json and PNG charts. */
public final class Report {
    private Report() {
    }

    /** Writes report.md, results.json and the charts into {@code out}; returns the report's text. */
    public static String write(BenchResult result, Path out) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(result),
                StandardCharsets.UTF_8);
        for (DatasetResult d : result.datasets()) {
            throughputChart(d, result.workers(), out.resolve(d.name() + "-throughput.png"));
            storageChart(d, out.resolve(d.name() + "-storage.png"));
        }
        String markdown = markdown(result);
        Files.writeString(out.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        return markdown;
    }

    static String markdown(BenchResult r) {
        StringBuilder s = new StringBuilder();
        s.append("# Bale bench, ").append(r.date()).append(r.quick() ? " (quick mode)" : "").append("\n\n");
        s.append("Machine: ");
        r.machine().forEach((k, v) -> s.append(k).append(" ").append(v).append("; "));
        s.append("\nW = ").append(r.workers()).append(" (Bale worker threads, PyTorch worker processes).\n");
        for (DatasetResult d : r.datasets()) {
            s.append("\n## ").append(d.description()).append("\n\n");
            s.append(String.format("Source: %,d files, %.1f MB of data, %.1f MB on disk in 4 KiB blocks. "
                            + "Reading the files themselves (warm cache): %,.0f files/s with 1 thread, %,.0f with %d.%n%n",
                    d.images(), d.sourceBytes() / 1e6, d.sourceDiskBytes() / 1e6, d.filesRead1().recordsPerSecond(),
                    d.filesReadW().recordsPerSecond(), r.workers()));
            s.append("| layout | size ratio | pack s | pack MB/s | read rec/s (1) | read MB/s (1) | read rec/s (W) "
                    + "| loader img/s (W) | train img/s (W) | pixel-exact |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (LayoutResult l : d.layouts()) {
                s.append(String.format("| %s | %.4f | %.2f | %.1f | %,.0f | %,.0f | %,.0f | %,.0f | %s | %d/%d |%n",
                        l.layout(), l.sizeRatio(), l.packSeconds(), l.packMegabytesPerSecond(), l.read1().recordsPerSecond(),
                        l.read1().megabytesPerSecond(), l.readW().recordsPerSecond(), l.evalImagesPerSecond(),
                        l.trainImagesPerSecond() > 0 ? String.format("%,.0f", l.trainImagesPerSecond()) : "-",
                        l.checked() - l.mismatches(), l.checked()));
            }
            d.layouts().stream().filter(l -> l.layout().equals("bin")).findFirst().ifPresent(bin -> s.append(String.format(
                    "%nRaw read of bin (1 thread, warm cache): %.0f MB/s; `cat data.bin > /dev/null`: %.0f MB/s (%.0f%%).%n",
                    bin.read1().megabytesPerSecond(), d.catMegabytesPerSecond(),
                    100 * bin.read1().megabytesPerSecond() / d.catMegabytesPerSecond())));
            BenchResult.Loader l = d.loader();
            if (l != null) {
                s.append(String.format("%nLoader (bin, %s): %,.0f img/s with 1 worker, %,.0f with W. Ceiling (one thread, "
                                + "in memory) %,.0f img/s, x W = %,.0f: efficiency %.0f%%; loader overhead %.2f µs per image.%n",
                        l.transform(), l.oneWorker(), l.allWorkers(), l.ceilingOneThread(), l.ceilingOneThread() * r.workers(),
                        100 * l.efficiency(), l.overheadMicrosPerImage()));
                if (!l.transform().equals("none")) {
                    s.append(String.format("Exact mode (no reduced-scale decoding): %,.0f img/s, ceiling %,.0f x W: %.0f%%.%n",
                            l.exactAllWorkers(), l.exactCeilingOneThread(), 100 * l.exactEfficiency()));
                }
            }
            if (d.peerAbsent() != null) {
                s.append("\nPeer (PyTorch DataLoader): absent — ").append(d.peerAbsent()).append(".\n");
            } else if (!d.peer().isEmpty()) {
                s.append("\n| PyTorch DataLoader | workers | img/s | Bale (bin, W) / peer |\n|---|---|---|---|\n");
                double bale = l == null ? 0 : l.allWorkers();
                for (Peer.Run p : d.peer()) {
                    s.append(String.format("| %s | %d | %s | %s |%n", p.mode().equals("imagefolder")
                                    ? "ImageFolder (PIL)" : "Dataset over " + p.mode() + " (OpenCV)", p.workers(),
                            p.ok() ? String.format("%,.0f", p.imagesPerSecond()) : "absent: " + p.error(),
                            p.ok() && p.imagesPerSecond() > 0 ? String.format("%.2fx", bale / p.imagesPerSecond()) : "-"));
                }
                best(d).ifPresent(p -> s.append(String.format("%nBale / best PyTorch configuration (%s, %d workers): %.2fx.%n",
                        p.mode(), p.workers(), (l == null ? 0 : l.allWorkers()) / p.imagesPerSecond())));
            }
        }
        return s.toString();
    }

    static Optional<Peer.Run> best(DatasetResult d) {
        return d.peer().stream().filter(Peer.Run::ok).max(Comparator.comparingDouble(Peer.Run::imagesPerSecond));
    }

    private static void throughputChart(DatasetResult d, int workers, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LayoutResult l : d.layouts()) {
            data.addValue(l.evalImagesPerSecond(), "Bale loader, " + workers + " threads", l.layout());
        }
        for (Peer.Run p : d.peer()) {
            if (p.ok()) {
                data.addValue(p.imagesPerSecond(), "PyTorch DataLoader, " + p.workers() + " workers", p.mode());
            }
        }
        if (d.loader() != null) {
            data.addValue(d.loader().ceilingOneThread() * workers, "ceiling (1-thread decode x " + workers + ")", "limit");
        }
        JFreeChart chart = ChartFactory.createBarChart(d.description() + ": images/s", "", "images per second", data,
                PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }

    private static void storageChart(DatasetResult d, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        data.addValue(d.sourceBytes() / 1e6, "data", "files (data)");
        data.addValue(d.sourceDiskBytes() / 1e6, "on disk", "files (4 KiB blocks)");
        for (LayoutResult l : d.layouts()) {
            data.addValue(l.bytesOnDisk() / 1e6, "on disk", l.layout());
        }
        JFreeChart chart = ChartFactory.createBarChart(d.description() + ": storage", "", "MB", data,
                PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }

    /** The one-screen summary for the terminal. */
    public static String table(BenchResult r) {
        StringBuilder s = new StringBuilder();
        for (DatasetResult d : r.datasets()) {
            s.append(String.format("%n%s%n%-9s %7s %8s %12s %12s %12s %10s%n", d.description(), "layout", "ratio", "pack s",
                    "read rec/s", "loader img/s", "vs peer", "exact"));
            Optional<Peer.Run> best = best(d);
            for (LayoutResult l : d.layouts()) {
                s.append(String.format("%-9s %7.4f %8.2f %,12.0f %,12.0f %12s %10s%n", l.layout(), l.sizeRatio(),
                        l.packSeconds(), l.read1().recordsPerSecond(), l.evalImagesPerSecond(),
                        best.map(p -> String.format("%.2fx", l.evalImagesPerSecond() / p.imagesPerSecond())).orElse("-"),
                        (l.checked() - l.mismatches()) + "/" + l.checked()));
            }
            BenchResult.Loader l = d.loader();
            if (l != null) {
                s.append(String.format("loader/limit %.0f%% (ceiling %,.0f img/s x %d); overhead %.2f µs/image%n",
                        100 * l.efficiency(), l.ceilingOneThread(), r.workers(), l.overheadMicrosPerImage()));
            }
            s.append(best.map(p -> String.format("best PyTorch: %s, %d workers, %,.0f img/s%n", p.mode(), p.workers(),
                    p.imagesPerSecond())).orElse("PyTorch peer: " + (d.peerAbsent() != null ? "absent (" + d.peerAbsent() + ")" : "none") + "\n"));
        }
        return s.toString();
    }

}
