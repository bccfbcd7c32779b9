package dev.bale.cli;

import dev.bale.bench.Bench;
import dev.bale.bench.BenchOptions;
import dev.bale.bench.BenchResult;
import dev.bale.bench.Report;
import dev.bale.container.Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures every layout on your data (or generated photo-like and tiny datasets) side by side "
                + "with PyTorch's DataLoader: storage, pack time, raw reads, loader images/s against the decode "
                + "ceiling, and a pixel-exact check. Writes report.md, results.json and PNG charts.",
                "Example: bale bench --quick --out bench-out"})
final class BenchCommand implements Callable<Integer> {

    @Mixin
    OpenFlags open = new OpenFlags();

    @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Folder of class folders (or --list root); a dataset "
            + "another tool wrote (Bale in place and after convert, against PyTorch reading it the tutorials' way); "
            + "none: generated data.")
    Path source;

    @Option(names = "--list", paramLabel = "FILE", description = "List file under SOURCE.")
    Path list;

    @Option(names = "--workers", description = "Worker threads / processes (default: one per core).")
    Integer workers;

    @Option(names = "--formats", split = ",", paramLabel = "LAYOUT", description = "Layouts to compare (default: all).")
    List<String> formats;

    @Option(names = "--out", defaultValue = "bench-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "Small datasets, fewer peer runs: about two minutes on 2 cores.")
    boolean quick;

    @Option(names = "--no-peer", description = "Skip PyTorch's DataLoader (by default it runs beside Bale, and its "
            + "Debian packages are installed when missing).")
    boolean noPeer;

    @Option(names = "--remote", description = "The remote case instead: a sharded dataset read locally, then over HTTP "
            + "(--latency, --bandwidth) through an empty and then a filled shard cache, same run.")
    boolean remote;

    @Option(names = "--latency", defaultValue = "20", description = "--remote: ms per request (default: ${DEFAULT-VALUE}).")
    long latency;

    @Option(names = "--bandwidth", defaultValue = "200MB", description = "--remote: bytes/s per connection (default: ${DEFAULT-VALUE}).")
    String bandwidth;

    @Option(names = "--images", defaultValue = "2000", description = "--remote: generated images when no SOURCE (default: ${DEFAULT-VALUE}).")
    int images;

    /** What the loader does to the user's data (the generated datasets keep eval and none). */
    @picocli.CommandLine.Mixin
    TransformOptions transformOptions;

    @Override
    public Integer call() throws Exception {
        if (remote) {
            int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
            dev.bale.bench.RemoteBench.Result result = dev.bale.bench.RemoteBench.run(source, out.resolve("remote"),
                    images, threads, latency, dev.bale.dataset.ShardPlan.parseSize(bandwidth), 8_000_000, System.out);
            System.out.print(result.table());
            java.nio.file.Files.writeString(out.resolve("remote").resolve("remote.txt"), result.table());
            dev.bale.bench.RemoteBench.chart(result, out.resolve("remote").resolve("remote.png"));
            return 0;
        }
        List<Layout> layouts = new ArrayList<>();
        for (String format : formats == null ? List.of("bin", "lmdb", "sqlite", "tfrecord") : formats) {
            layouts.add(Layout.parse(format));
        }
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        if (threads < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        if (source != null && list == null && isDataset(source)) {
            // A dataset another tool wrote (or a Bale container): Bale in place and after convert, against the peer.
            Path benchDir = Path.of(System.getProperty("bale.home", ".")).resolve("bench");
            dev.bale.bench.ForeignBench.run(source, open.options(), layouts, threads, quick, out, System.out,
                    noPeer ? null : new dev.bale.bench.Peer(benchDir));
            return 0;
        }
        run(new BenchOptions(source, list, threads, layouts, out, quick, !noPeer,
                source != null ? transformOptions.build() : null));
        return 0;
    }

    /** A file, a brace list, an LMDB or bin container, or a folder without sub-folders: not a folder of class folders. */
    private static boolean isDataset(Path path) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(path)) {
            return true;
        }
        if (java.nio.file.Files.exists(path.resolve("data.mdb")) || java.nio.file.Files.exists(path.resolve("manifest.json"))) {
            return true;
        }
        try (var children = java.nio.file.Files.list(path)) {
            return children.noneMatch(java.nio.file.Files::isDirectory);
        }
    }

    /** Runs a bench, writes its report into the options' folder, prints the summary table. */
    static void run(BenchOptions options) throws Exception {
        // The launcher sets bale.home to the checkout, where bench/peer/ lives.
        Path benchDir = Path.of(System.getProperty("bale.home", ".")).resolve("bench");
        BenchResult result = new Bench(options, benchDir, System.out, Progress::new).run();
        Report.write(result, options.out());
        System.out.print(Report.table(result));
        System.out.println("\nreport: " + options.out().resolve("report.md") + " (with results.json and PNG charts)");
    }
}
