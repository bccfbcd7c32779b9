package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.dataset.ShardedContainer;
import dev.bale.inspect.Inspection;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Shows a container's layout, records, classes, bytes and size ratio; for a TFRecord (also one "
                + "written by TensorFlow) the features of its records.", "Example: bale inspect photos.tfrecord --json"})
final class InspectCommand implements Callable<Integer> {

    @Mixin
    OpenFlags open = new OpenFlags();

    @Parameters(paramLabel = "CONTAINER", description = "Container of any layout.")
    Path path;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    RemoteMixin remote;

    @Override
    public Integer call() throws Exception {
        remote.apply();
        try (Container container = open.open(path, true)) {
            if (container instanceof ShardedContainer dataset) {
                dataset.openAll(); // a remote dataset's class counts need every shard (fetched into the cache)
            }
            Inspection inspection = Inspection.of(container);
            System.out.print(json ? inspection.toJson() + "\n" : inspection.toText());
        }
        return 0;
    }
}
