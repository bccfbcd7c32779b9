package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Copies a container into another layout, byte for byte (keys, labels and classes kept).",
                "Example: bale convert photos.bin photos.tfrecord --format tfrecord"})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "Container to read (any layout).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Container to write.")
    Path out;

    @Option(names = "--format", required = true, description = "bin, lmdb, sqlite or tfrecord.")
    String format;

    @Option(names = "--threads", defaultValue = "4", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--trust-unchecksummed", description = "Read IN even though its metadata carries no checksums "
            + "(written by an older Bale): OUT gets checksums over what IN holds now. Run `bale verify IN` first.")
    boolean trustUnchecksummed;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.parse(format);
        PackResult result;
        try (Container container = Containers.open(in, trustUnchecksummed);
             ContainerInput input = new ContainerInput(container);
             Progress progress = new Progress("convert to " + layout.id())) {
            result = Packer.pack(input, out, new PackOptions(layout, Math.max(1, threads), false,
                    PackOptions.OnBad.FAIL, force), progress);
        }
        System.out.println(PackCommand.summary(result, layout));
        return 0;
    }
}
