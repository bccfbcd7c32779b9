package dev.bale.pack;

import dev.bale.container.Layout;
import dev.bale.dataset.DatasetManifest;
import dev.bale.dataset.ShardFiles;
import dev.bale.dataset.ShardPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs an input into a sharded dataset: a folder of shards, each a complete container of one
 * layout holding a consecutive range of records, and {@code dataset.json} written last. The folder
 * is staged under a hidden name and renamed into place when complete, so a dataset exists only
 * when whole. Shards carry no time, host or path: the same input and plan give byte-identical
 * shards however (and wherever) {@link #writeShard} runs.
 */
public final class ShardedPacker {
    private ShardedPacker() {
    }

    /**
     * One shard as written.
     *
     * @param entry      its dataset.json entry
     * @param skipped    records left out (with {@link PackOptions.OnBad#SKIP}), in input order
     * @param inputBytes encoded bytes packed
     */
    public record ShardResult(DatasetManifest.Shard entry, List<BadRecordException> skipped, long inputBytes) {
    }

    /** The plan for {@code --shards N} or {@code --shard-size BYTES} (exactly one of them positive). */
    public static ShardPlan plan(PackInput input, int shards, long shardBytes) throws IOException {
        if ((shards > 0) == (shardBytes > 0)) {
            throw new IllegalArgumentException("give either a shard count or a shard size");
        }
        if (shards > 0) {
            return ShardPlan.ofShards(input.size(), shards);
        }
        long[] sizes = new long[input.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = input.recordBytes(i);
        }
        return ShardPlan.ofSize(sizes, shardBytes);
    }

    /**
     * Writes shard {@code shard} of the plan into {@code folder} under its final name (staged there
     * and renamed; an existing shard of that name is replaced, so a retried write is idempotent).
     */
    public static ShardResult writeShard(PackInput input, ShardPlan plan, int shard, PackOptions options, Path folder,
                                         PackListener listener) throws IOException {
        Layout layout = options.layout();
        Path main = folder.resolve(ShardPlan.name(shard, layout));
        PackResult result = Packer.pack(new RangeInput(input, plan.from(shard), plan.to(shard)), main,
                options.withForce(true), listener, false);
        DatasetManifest.Shard entry = ShardFiles.describe(layout, main, result.records());
        return new ShardResult(entry, result.skipped(), result.inputBytes());
    }

    /** The dataset.json for shards written by {@link #writeShard}, in shard order. */
    public static DatasetManifest manifest(Layout layout, List<String> classes, List<ShardResult> shards) {
        List<DatasetManifest.Shard> entries = new ArrayList<>();
        long records = 0;
        for (ShardResult shard : shards) {
            entries.add(shard.entry());
            records += shard.entry().records();
        }
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.VERSION, layout.id(), records, classes, entries);
    }

    /** Writes dataset.json into {@code folder} under a temporary name, then renames it: the last step. */
    public static void writeManifest(DatasetManifest manifest, Path folder) throws IOException {
        Path temp = folder.resolve("." + DatasetManifest.FILE_NAME + ".partial");
        Files.writeString(temp, manifest.toJson(), StandardCharsets.UTF_8);
        Files.move(temp, folder.resolve(DatasetManifest.FILE_NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Packs the whole dataset on this machine. An existing OUT is refused unless {@code options.force()}. */
    public static PackResult pack(PackInput input, Path output, PackOptions options, ShardPlan plan,
                                  PackListener listener) throws IOException {
        StagedOutput.checkWritable(Layout.BIN, output, options.force()); // a folder, whatever the shards' layout
        long started = System.nanoTime();
        List<ShardResult> shards = new ArrayList<>();
        List<BadRecordException> skipped = new ArrayList<>();
        long bytes = 0;
        try (StagedOutput staged = new StagedOutput(Layout.BIN, output)) {
            Files.createDirectory(staged.staging());
            listener.started(input.size());
            for (int s = 0; s < plan.shards(); s++) {
                ShardResult shard = writeShard(input, plan, s, options, staged.staging(),
                        offset(listener, plan.from(s), bytes));
                shards.add(shard);
                skipped.addAll(shard.skipped());
                bytes += shard.inputBytes();
            }
            writeManifest(manifest(options.layout(), input.classes(), shards), staged.staging());
            staged.commit();
            Path report = Packer.writeReport(output, skipped);
            listener.finished();
            double seconds = (System.nanoTime() - started) / 1e9;
            long records = shards.stream().mapToLong(s -> s.entry().records()).sum();
            return new PackResult(output, (int) records, List.copyOf(skipped), report, bytes,
                    shards.stream().mapToLong(s -> s.entry().bytes()).sum(), seconds);
        }
    }

    /** A shard's progress as progress of the whole pack. */
    private static PackListener offset(PackListener outer, int records, long bytes) {
        return new PackListener() {
            @Override
            public void progressed(int done, long written) {
                outer.progressed(records + done, bytes + written);
            }
        };
    }
}
