package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.preview.Preview;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "preview", mixinStandardHelpOptions = true,
        description = {"Writes what the loader feeds the model: DIR/grid.png (a contact sheet with index and label), "
                + "DIR/sample-<index>.png at the size delivered, and DIR/samples.tsv (index, key, label, width, height).",
                "Example: bale preview lines.sqlite --transform text --height 32 --count 16 --out preview"})
final class PreviewCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout.")
    Path path;

    @Mixin
    TransformOptions transformOptions;

    @Option(names = "--count", defaultValue = "16", description = "Samples (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch (default: ${DEFAULT-VALUE}).")
    int epoch;

    @Option(names = "--shuffle", description = "The epoch's shuffled order instead of the first records.")
    boolean shuffle;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (Container container = Containers.open(path)) {
            List<Preview.Sample> samples = Preview.write(container, transformOptions.build(), count, seed, epoch, shuffle, out);
            System.out.printf("%d samples of %s (%s) -> %s: grid.png, sample-<index>.png, samples.tsv%n", samples.size(),
                    path, TransformOptions.describe(transformOptions.build()), out);
        }
        return 0;
    }
}
