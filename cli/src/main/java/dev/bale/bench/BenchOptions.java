package dev.bale.bench;

import dev.bale.container.Layout;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code bale bench} measures.
 *
 * @param source  the user's folder (or list root), or null to generate photo-like and tiny datasets
 * @param list    a list file under {@code source}, or null for a folder of class folders
 * @param workers worker threads for Bale and worker processes for the peer
 * @param layouts the layouts to pack and compare
 * @param out     where the report, JSON and charts go
 * @param quick   small datasets and fewer peer runs: finishes in about two minutes on 2 cores
 * @param peer    whether to run PyTorch's DataLoader beside Bale
 * @param transform what the loader does to the user's data (null: the eval preset); generated data keeps its own
 */
public record BenchOptions(Path source, Path list, int workers, List<Layout> layouts, Path out, boolean quick,
                           boolean peer, dev.bale.transform.Transform transform) {

    public BenchOptions(Path source, Path list, int workers, List<Layout> layouts, Path out, boolean quick, boolean peer) {
        this(source, list, workers, layouts, out, quick, peer, null);
    }
}
