package dev.bale.cli;

import dev.bale.bench.BenchOptions;
import dev.bale.container.Layout;
import dev.bale.demo.Demo;
import dev.bale.synthetic.SyntheticDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generates a small photo-like JPEG dataset, packs it into all four layouts, verifies each "
                + "against the files and prints sizes and pack times; then runs the bench's quick mode (Bale's "
                + "loader against PyTorch's DataLoader).", "Example: bale demo --images 500 --no-bench"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "bale-demo", description = "Working folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--images", defaultValue = "300", description = "Images to generate (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--tiny", description = "Generate 28x28 grayscale PNGs (a few hundred bytes each) instead of photos.")
    boolean tiny;

    @Option(names = "--no-bench", description = "Stop after the layout table; skip the bench's quick mode.")
    boolean noBench;

    @Option(names = "--no-peer", description = "In the bench, skip PyTorch's DataLoader.")
    boolean noPeer;

    @Option(names = "--ocr", description = "Text recognition instead: generated text lines (putText) packed into the "
            + "SQLite layout, streamed as text-line batches with CTC targets, and previewed.")
    boolean ocr;

    @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1");
        }
        if (ocr) {
            dev.bale.demo.OcrDemo.run(dir, Math.max(images, 1000), Math.max(1, Runtime.getRuntime().availableProcessors()),
                    System.out);
            return 0;
        }
        SyntheticDataset.Spec spec = tiny ? SyntheticDataset.Spec.tiny(images) : SyntheticDataset.Spec.photos(images, 500, 375);
        List<Demo.Row> rows = Demo.run(dir, spec, Math.max(1, threads), System.out, Progress::new);
        System.out.println();
        System.out.print(Demo.table(rows));
        boolean ok = rows.stream().allMatch(r -> r.problems().isEmpty());
        rows.stream().flatMap(r -> r.problems().stream()).limit(20).forEach(p -> System.out.println("BAD " + p));
        System.out.println(ok ? "every layout verified byte-exact against the source files"
                : "verification found problems (listed above)");
        if (!ok) {
            return 1;
        }
        if (!noBench) {
            System.out.println("\nbench, quick mode: Bale's loader against PyTorch's DataLoader on generated data");
            BenchCommand.run(new BenchOptions(null, null, Runtime.getRuntime().availableProcessors(),
                    List.of(Layout.values()), dir.resolve("bench"), true, !noPeer));
        }
        return 0;
    }
}
