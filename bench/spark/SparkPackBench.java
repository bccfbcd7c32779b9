import dev.bale.container.Layout;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.spark.PackJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The Spark pack job against bale pack on one machine, same data, same run (bench/spark/run.sh):
 * generated photo-like JPEGs packed into a sharded dataset by ShardedPacker.pack (what
 * `bale pack --shards N` runs), by the job on local[1] and on local[2]; plus a read-only pass over the
 * sources (the reading limit), a copy of the packed shards (what a task's commit adds), the session's
 * start and a near-empty job (the fixed overhead). Best of two rounds, the order reversed in the second.
 */
public final class SparkPackBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--images", "20000", "--width", "256", "--height", "192",
                "--shards", "16", "--threads", "8", "--layout", "bin", "--out", "bale-bench/spark", "--rounds", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        int images = Integer.parseInt(opt.get("--images"));
        int shards = Integer.parseInt(opt.get("--shards"));
        int threads = Integer.parseInt(opt.get("--threads"));
        int rounds = Integer.parseInt(opt.get("--rounds"));
        Layout layout = Layout.parse(opt.get("--layout"));
        Path out = Path.of(opt.get("--out")).toAbsolutePath();
        Path photos = out.resolve("photos-" + images);
        Configurator.setRootLevel(Level.WARN);

        if (!Files.isDirectory(photos)) {
            long t = System.nanoTime();
            SyntheticDataset.write(new SyntheticDataset.Spec(images, 10, Integer.parseInt(opt.get("--width")),
                    Integer.parseInt(opt.get("--height")), false, 42), photos, 2, n -> { });
            System.out.printf(Locale.ROOT, "generated %,d photos in %.1f s%n", images, seconds(t));
        }
        Source source = Source.folder(photos);
        long bytes = 0;
        for (var entry : source.entries()) {
            bytes += Files.size(entry.file());
        }
        Path tiny = out.resolve("tiny.txt");
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            list.append(source.entries().get(i).key()).append('\t').append(source.entries().get(i).label()).append('\n');
        }
        Files.writeString(tiny, list, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%,d photos, %.1f MB (%.1f KB each), %s, %d shards, %d reader threads per pack%n",
                source.size(), bytes / 1e6, bytes / 1e3 / source.size(), layout.id(), shards, threads);

        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Double> cold = new LinkedHashMap<>(); // the first time each overhead was paid
        List<String> order = List.of("read", "local", "spark local[1]", "spark local[2]", "copy");
        for (int round = 0; round < rounds; round++) {
            List<String> runs = new ArrayList<>(order);
            if (round % 2 == 1) {
                java.util.Collections.reverse(runs);
            }
            for (String run : runs) {
                Path target = out.resolve("run-" + run.replaceAll("[^a-z0-9]", ""));
                delete(target);
                double s;
                switch (run) {
                    case "read" -> s = readAll(source, threads);
                    case "local" -> {
                        long t = System.nanoTime();
                        SourceInput input = new SourceInput(source);
                        ShardedPacker.pack(input, target, PackOptions.of(layout).withThreads(threads),
                                ShardedPacker.plan(input, shards, 0), PackListener.NONE);
                        s = seconds(t);
                    }
                    case "copy" -> {
                        Path packed = out.resolve("run-local");
                        if (!Files.exists(packed)) {
                            continue;
                        }
                        long t = System.nanoTime();
                        copyTree(packed, target);
                        s = seconds(t);
                    }
                    default -> {
                        String master = run.substring("spark ".length());
                        long t = System.nanoTime();
                        SparkSession spark = SparkSession.builder().master(master).appName("bale bench")
                                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                                .getOrCreate();
                        double start = seconds(t);
                        try {
                            Path empty = out.resolve("run-empty");
                            delete(empty);
                            t = System.nanoTime();
                            PackJob.pack(spark, photos.toString(), tiny.toString(), empty.toString(),
                                    PackOptions.of(layout), 2, 0, quiet());
                            double overhead = seconds(t);
                            t = System.nanoTime();
                            PackResult result = PackJob.pack(spark, photos.toString(), null, target.toString(),
                                    PackOptions.of(layout).withThreads(threads), shards, 0, quiet());
                            s = seconds(t);
                            if (result.records() != source.size()) {
                                throw new IllegalStateException(run + " packed " + result.records() + " records");
                            }
                            best.merge(run + " session start", start, Math::min);
                            best.merge(run + " near-empty job (16 records, 2 shards)", overhead, Math::min);
                            cold.putIfAbsent(run + " session start", start);
                            cold.putIfAbsent(run + " near-empty job (16 records, 2 shards)", overhead);
                        } finally {
                            spark.stop();
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "round %d  %-16s %7.2f s  %9.0f records/s  %7.1f MB/s%n", round + 1, run, s,
                        source.size() / s, bytes / 1e6 / s);
                best.merge(run, s, Math::min);
            }
        }
        boolean same = sameTree(out.resolve("run-local"), out.resolve("run-sparklocal1"))
                && sameTree(out.resolve("run-local"), out.resolve("run-sparklocal2"));
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%,d photos, %.1f MB, layout %s, %d shards, %d reader threads per pack; best of %d rounds%n%n",
                source.size(), bytes / 1e6, layout.id(), shards, threads, rounds));
        table.append("| run | seconds | records/s | MB/s | vs one machine |\n|---|---:|---:|---:|---:|\n");
        double local = best.getOrDefault("local", Double.NaN);
        for (String run : order) {
            Double s = best.get(run);
            if (s == null) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "| %s | %.2f | %,.0f | %.1f | %s |%n", label(run), s, source.size() / s,
                    bytes / 1e6 / s, run.startsWith("spark") ? String.format(Locale.ROOT, "%.2f×", local / s) : ""));
        }
        table.append("\nFixed overhead:\n\n");
        for (Map.Entry<String, Double> e : best.entrySet()) {
            if (e.getKey().contains("start") || e.getKey().contains("near-empty")) {
                table.append(String.format(Locale.ROOT, "- %s: %.2f s (first time in this JVM: %.2f s)%n", e.getKey(),
                        e.getValue(), cold.get(e.getKey())));
            }
        }
        table.append("\nSpark's shards byte-identical to the one-machine pack: ").append(same ? "yes" : "NO").append('\n');
        System.out.println();
        System.out.print(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        chart(best, order, source.size(), bytes, layout, shards, out.resolve("results.png"));
    }

    /** records/s of the one-machine pack and the Spark runs, side by side (PNG), as the other benches draw theirs. */
    private static void chart(Map<String, Double> best, List<String> order, int records, long bytes, Layout layout,
                              int shards, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String run : order) {
            if (best.containsKey(run) && (run.equals("local") || run.startsWith("spark"))) {
                data.addValue(records / best.get(run), "records/s", run.equals("local") ? "bale pack" : run);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(String.format(Locale.ROOT,
                        "Packing %,d photos (%.0f MB) into %d %s shards", records, bytes / 1e6, shards, layout.id()),
                "", "records per second", data, PlotOrientation.VERTICAL, false, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }

    private static String label(String run) {
        return switch (run) {
            case "read" -> "read every source file, no pack (the reading limit)";
            case "local" -> "bale pack, one machine (ShardedPacker.pack)";
            case "copy" -> "copy the packed shards (what each task's commit adds here)";
            default -> "Spark job, " + run.substring(6);
        };
    }

    private static PackListener quiet() {
        return new PackListener() {
        };
    }

    private static double readAll(Source source, int threads) throws Exception {
        long t = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            int n = source.size();
            for (int k = 0; k < threads; k++) {
                int from = k * n / threads;
                int to = (k + 1) * n / threads;
                parts.add(pool.submit(() -> {
                    long sum = 0;
                    for (int i = from; i < to; i++) {
                        sum += Files.readAllBytes(source.entries().get(i).file()).length;
                    }
                    return sum;
                }));
            }
            for (Future<Long> part : parts) {
                part.get();
            }
        } finally {
            pool.shutdown();
        }
        return seconds(t);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static boolean sameTree(Path a, Path b) throws IOException {
        if (!Files.exists(a) || !Files.exists(b)) {
            return false;
        }
        List<Path> left;
        List<Path> right;
        try (Stream<Path> x = Files.walk(a); Stream<Path> y = Files.walk(b)) {
            left = x.filter(Files::isRegularFile).map(a::relativize).sorted().toList();
            right = y.filter(Files::isRegularFile).map(b::relativize).sorted().toList();
        }
        if (!left.equals(right)) {
            return false;
        }
        for (Path p : left) {
            if (Files.mismatch(a.resolve(p), b.resolve(p)) != -1) {
                return false;
            }
        }
        return true;
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
