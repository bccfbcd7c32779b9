package dev.bale.cli;

import dev.bale.container.Container;
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
        description = {"Copies a container, or a dataset another tool wrote, into a Bale container: encoded images byte "
                + "for byte, raw pixels as lossless PNG; keys, labels and classes kept.",
                "Example: bale convert photos.bin photos.tfrecord --format tfrecord"})
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    OpenFlags open = new OpenFlags();

    @Parameters(index = "0", paramLabel = "IN", description = "Container to read (any layout, a dataset another tool wrote), or a dataset (folder, dataset.json or URL).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Container to write.")
    Path out;

    @Option(names = "--format", required = true, description = "bin, lmdb, sqlite or tfrecord.")
    String format;

    @Option(names = "--threads", defaultValue = "4", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--keep-raw", description = "Records of raw pixels (pickled arrays, raw Caffe Datums): store them "
            + "uncompressed, as PNGs of zlib level 0 (the raw size, nothing to inflate), instead of compressed PNGs.")
    boolean keepRaw;

    @Option(names = "--on-bad", defaultValue = "fail", paramLabel = "fail|skip",
            description = "A record that cannot be read: stop (default), or leave it out and list it in OUT.skipped.txt.")
    String onBad;

    @Option(names = "--shards", paramLabel = "N", description = "Write a sharded dataset of N shards (IN may be a dataset too).")
    Integer shards;

    @Option(names = "--shard-size", paramLabel = "SIZE", description = "Write a sharded dataset of shards of at most SIZE of record data.")
    String shardSize;

    @Option(names = "--trust-unchecksummed", description = "Read IN even though its metadata carries no checksums "
            + "(written by an older Bale): OUT gets checksums over what IN holds now. Run `bale verify IN` first.")
    boolean trustUnchecksummed;

    @Mixin
    RemoteMixin remote;

    @Override
    public Integer call() throws Exception {
        remote.apply();
        Layout layout = Layout.parse(format);
        PackOptions.OnBad policy = switch (onBad.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> PackOptions.OnBad.FAIL;
            case "skip" -> PackOptions.OnBad.SKIP;
            default -> throw new IllegalArgumentException("--on-bad must be fail or skip, not " + onBad);
        };
        PackResult result;
        long sourceOnDisk;
        try (Container container = open.open(in, trustUnchecksummed);
             ContainerInput input = new ContainerInput(container, keepRaw);
             Progress progress = new Progress("convert to " + layout.id())) {
            sourceOnDisk = container.bytesOnDisk();
            PackOptions options = new PackOptions(layout, Math.max(1, threads), false, policy, force);
            result = ShardOptions.sharded(shards, shardSize)
                    ? ShardedPacker.pack(input, out, options, ShardOptions.plan(input, shards, shardSize), progress)
                    : Packer.pack(input, out, options, progress);
        }
        System.out.println(PackCommand.summary(result, layout));
        System.out.printf("source %,d bytes on disk, converted %,d bytes: %.4f of the source%n", sourceOnDisk,
                result.bytesOnDisk(), result.bytesOnDisk() / (double) Math.max(1, sourceOnDisk));
        return 0;
    }
}
