package dev.bale.cli;

import dev.bale.container.Layout;
import dev.bale.dataset.ShardPlan;
import dev.bale.pack.BadRecordException;
import dev.bale.pack.PackEngine;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {"Packs a folder of class sub-folders (or a list file) into one container.",
                "Example: bale pack photos/ photos.bin --format bin --threads 8 --check"})
final class PackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "Folder with one sub-folder per class, or with --list the root the listed paths are relative to.")
    String source;

    @Parameters(index = "1", paramLabel = "OUT", description = "The container to write (a folder for bin and lmdb, a file otherwise).")
    String out;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "bin, lmdb, sqlite or tfrecord.")
    String format;

    @Option(names = "--list", paramLabel = "FILE", description = "List file: one 'relative/path<TAB>label' per line.")
    String list;

    @Option(names = "--threads", defaultValue = "8", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--check", description = "Decode every image while packing; undecodable ones are bad input.")
    boolean check;

    @Option(names = "--on-bad", defaultValue = "fail", paramLabel = "fail|skip",
            description = "A missing, empty, unreadable (or with --check undecodable) file: fail (default, nothing is "
                    + "written) or skip it and list it in OUT.skipped.txt.")
    String onBad;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--shards", paramLabel = "N",
            description = "Write a sharded dataset: OUT becomes a folder of N shards (consecutive record ranges) and dataset.json.")
    Integer shards;

    @Option(names = "--shard-size", paramLabel = "SIZE",
            description = "Write a sharded dataset whose shards hold at most SIZE of record data (256MB, 1GB, 64MiB).")
    String shardSize;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "local|spark",
            description = "Who packs a sharded dataset: this JVM (default) or a Spark job (needs the bale-spark module; "
                    + "SOURCE, --list and OUT may then be hdfs:// or s3a:// URIs).")
    String engine;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
            description = "With --engine spark: Spark's master URL (default: ${DEFAULT-VALUE}, Spark inside this JVM).")
    String master;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.parse(format);
        PackOptions.OnBad policy = switch (onBad.toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> PackOptions.OnBad.FAIL;
            case "skip" -> PackOptions.OnBad.SKIP;
            default -> throw new IllegalArgumentException("--on-bad must be fail or skip, not '" + onBad + "'");
        };
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        PackOptions options = new PackOptions(layout, threads, check, policy, force);
        PackResult result;
        if (!engine.equals("local")) {
            if (!ShardOptions.sharded(shards, shardSize)) {
                throw new IllegalArgumentException("--engine " + engine + " writes a sharded dataset: give --shards N or --shard-size SIZE");
            }
            PackEngine packer = PackEngine.named(engine);
            try (Progress progress = new Progress("pack " + layout.id() + " on " + engine)) {
                result = packer.pack(new PackEngine.Request(source, list, out, options, shards == null ? 0 : shards,
                        shardSize == null ? 0 : ShardPlan.parseSize(shardSize), master), progress);
            }
            System.out.println(summary(result, layout));
            return 0;
        }
        Source input = list != null ? Source.list(Path.of(list), Path.of(source)) : Source.folder(Path.of(source));
        try (Progress progress = new Progress("pack " + layout.id())) {
            result = ShardOptions.sharded(shards, shardSize)
                    ? ShardedPacker.pack(new SourceInput(input), Path.of(out), options,
                            ShardOptions.plan(new SourceInput(input), shards, shardSize), progress)
                    : Packer.pack(new SourceInput(input), Path.of(out), options, progress);
        }
        System.out.println(summary(result, layout));
        return 0;
    }

    static String summary(PackResult result, Layout layout) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("packed %,d records into %s (%s) in %.2f s: %.1f records/s, %.1f MB/s%n",
                result.records(), result.output(), layout.id(), result.seconds(),
                result.records() / Math.max(result.seconds(), 1e-9), result.megabytesPerSecond()));
        text.append(String.format("data %,d bytes, on disk %,d bytes, size ratio %.4f", result.inputBytes(),
                result.bytesOnDisk(), result.sizeRatio()));
        if (!result.skipped().isEmpty()) {
            text.append(String.format("%nskipped %d bad records (listed in %s):", result.skipped().size(), result.report()));
            int shown = 0;
            for (BadRecordException bad : result.skipped()) {
                if (shown++ == 10) {
                    text.append(String.format("%n  ... %d more", result.skipped().size() - 10));
                    break;
                }
                text.append("\n  ").append(bad.getMessage());
            }
        }
        return text.toString();
    }
}
