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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures every layout on your data (or generated photo-like and tiny datasets) side by side "
                + "with PyTorch's DataLoader: storage, pack time, raw reads, loader images/s against the decode "
                + "ceiling, and a pixel-exact check. Writes report.md, results.json and PNG charts.",
                "Example: bale bench --quick --out bench-out"})
final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "SOURCE", description = "Folder of class folders (or --list root); none: generated data.")
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

    /** What the loader does to the user's data (the generated datasets keep eval and none). */
    @picocli.CommandLine.Mixin
    TransformOptions transformOptions;

    @Override
    public Integer call() throws Exception {
        List<Layout> layouts = new ArrayList<>();
        for (String format : formats == null ? List.of("bin", "lmdb", "sqlite", "tfrecord") : formats) {
            layouts.add(Layout.parse(format));
        }
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        if (threads < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        run(new BenchOptions(source, list, threads, layouts, out, quick, !noPeer,
                source != null ? transformOptions.build() : null));
        return 0;
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
