package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.ShardedPacker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Copies a container into another layout, byte for byte (keys, labels and classes kept).",
                "Example: bale convert photos.bin photos.tfrecord --format tfrecord"})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "Container to read (any layout), or a dataset (folder, dataset.json or URL).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Container to write.")
    Path out;

    @Option(names = "--format", required = true, description = "bin, lmdb, sqlite or tfrecord.")
    String format;

    @Option(names = "--threads", defaultValue = "4", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--shards", paramLabel = "N", description = "Write a sharded dataset of N shards (IN may be a dataset too).")
    Integer shards;

    @Option(names = "--shard-size", paramLabel = "SIZE", description = "Write a sharded dataset of shards of at most SIZE of record data.")
    String shardSize;

    @Mixin
    RemoteMixin remote;

    @Override
    public Integer call() throws Exception {
        remote.apply();
        Layout layout = Layout.parse(format);
        PackResult result;
        try (Container container = Containers.open(in);
             ContainerInput input = new ContainerInput(container);
             Progress progress = new Progress("convert to " + layout.id())) {
            PackOptions options = new PackOptions(layout, Math.max(1, threads), false, PackOptions.OnBad.FAIL, force);
            result = ShardOptions.sharded(shards, shardSize)
                    ? ShardedPacker.pack(input, out, options, ShardOptions.plan(input, shards, shardSize), progress)
                    : Packer.pack(input, out, options, progress);
        }
        System.out.println(PackCommand.summary(result, layout));
        return 0;
    }
}
